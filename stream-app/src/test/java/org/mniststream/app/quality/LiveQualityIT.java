package org.mniststream.app.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.StreamApp;
import org.mniststream.app.models.CanarySplit;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.QualityReport;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.topics.TopicReader;

/**
 * Live quality on a real broker, in the classifier's process ({@code quality.enabled=true}):
 * version 1 active, version 3 a 50 % canary (paired: version 1 scores its events too) and version 2
 * in shadow classify labelled events (labels inline, on the labels topic before the event, and
 * after it); the quality topic then holds, exactly-once, what the offline recomputation from the
 * predictions and labels topics gives.
 */
class LiveQualityIT {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private static final int EVENTS = 30;
  private KafkaIt kafka;
  private StreamApp app;

  @BeforeEach
  void startApp() throws Exception {
    kafka = new KafkaIt(KafkaFixture.shared(), 2);
    kafka.send(kafka.topics.models(), TestModelRecords.key(1), TestModelRecords.mlp(1));
    kafka.send(kafka.topics.models(), TestModelRecords.key(2), TestModelRecords.mlp(2));
    kafka.send(kafka.topics.models(), TestModelRecords.key(3), TestModelRecords.mlp(3));
    kafka.send(
        kafka.topics.rollouts(), TestEvents.key("mnist"), TestEvents.rollout(1L, 3L, 50, 2L));
    app = kafka.startApp(Map.of("quality.enabled", "true"));
  }

  @AfterEach
  void stopApp() {
    app.close();
  }

  @Test
  void shouldPublishWhatTheOfflineRecomputationOfThePredictionsAndLabelsGives() throws Exception {
    long canary = 0;
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (int i = 0; i < EVENTS; i++) {
        String id = "q-" + kafka.runId + "-" + i;
        canary += CanarySplit.isCanary(TestEvents.key(id), 50) ? 1 : 0;
        int truth = i % 10;
        if (i % 3 == 1) { // the label before the event
          producer.send(label(id, truth));
        }
        producer.send(
            new ProducerRecord<>(
                kafka.topics.images(),
                TestEvents.key(id),
                TestEvents.encode(TestEvents.raw28(id, i % 3 == 0 ? truth : null))));
        if (i % 3 == 2) { // the label after it
          producer.send(label(id, truth));
        }
      }
      producer.flush();
    }

    long canaryEvents = canary;
    long activeEvents = EVENTS - canary;
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              Map<String, QualityReport> published = publishedReports();
              assertThat(published.get("mnist/0000000001/ACTIVE/all"))
                  .extracting(QualityReport::getLabelled)
                  .isEqualTo(activeEvents);
              assertThat(published.get("mnist/0000000003/CANARY/all"))
                  .extracting(QualityReport::getLabelled)
                  .isEqualTo(canaryEvents);
              // the shadow is paired with the active version on its events, the canary with
              // the active version's BASELINE scoring of every canary event (paired-percent 100)
              assertThat(published.get("mnist/0000000002/SHADOW/all").getComparisons())
                  .singleElement()
                  .satisfies(c -> assertThat(c.getPairs()).isEqualTo(activeEvents));
              assertThat(published.get("mnist/0000000003/CANARY/all").getComparisons())
                  .singleElement()
                  .satisfies(
                      c -> {
                        assertThat(c.getBaselineVersion()).isEqualTo(1);
                        assertThat(c.getBaselineRoute()).isEqualTo("BASELINE");
                        assertThat(c.getPairs()).isEqualTo(canaryEvents);
                      });
            });

    Properties consumer = new Properties();
    consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    assertThat(publishedReports())
        .isEqualTo(
            QualityRecompute.fromTopics(
                TopicReader.consumerConfig(consumer, "quality-it"),
                kafka.topics,
                QualitySettings.DEFAULTS,
                Duration.ofSeconds(30)));
    assertThat(app.meters().find(QualityMetrics.REPORTS).counter().count()).isPositive();
  }

  private ProducerRecord<byte[], byte[]> label(String eventId, int value) {
    LabelEvent label =
        LabelEvent.newBuilder()
            .setEventId(eventId)
            .setLabel(value)
            .setLabelledBy("quality-it")
            .setLabelledAt(Instant.now())
            .build();
    return new ProducerRecord<>(
        kafka.topics.labels(), TestEvents.key(eventId), ContractSerdes.labelEvent().encode(label));
  }

  /** The latest report per key on the quality topic, as compaction will leave it. */
  private Map<String, QualityReport> publishedReports() throws Exception {
    Properties base = new Properties();
    base.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    Map<String, QualityReport> latest = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(base, "quality-it-reader"))) {
      List<ConsumerRecord<byte[], byte[]>> records =
          TopicReader.readAll(consumer, List.of(kafka.topics.quality()), Duration.ofSeconds(30));
      for (ConsumerRecord<byte[], byte[]> r : records) {
        latest.put(
            new String(r.key(), java.nio.charset.StandardCharsets.UTF_8),
            ContractSerdes.qualityReport().decode(r.value()));
      }
    }
    return latest;
  }
}
