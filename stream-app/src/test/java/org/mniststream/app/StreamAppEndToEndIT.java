package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.config.AppConfig;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.Prediction;
import org.mniststream.testing.KafkaFixture;

/**
 * The whole app (the production {@link StreamApp}, exactly_once_v2) against a real broker: one
 * committed prediction per good event, one dead letter per bad one, and a hot swap by topic.
 */
class StreamAppEndToEndIT {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newHttpClient();
  private KafkaIt kafka;
  private Path stateDir;
  private StreamApp app;

  @BeforeEach
  void setUp() throws Exception {
    kafka = new KafkaIt(KafkaFixture.shared(), 2);
    stateDir = Files.createTempDirectory("e2e-it");
  }

  @AfterEach
  void tearDown() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldEmitExactlyOnePredictionPerGoodEventAndOneDeadLetterPerBadOne() throws Exception {
    // Given a model on the models topic and a running app
    kafka.send(kafka.topics.models(), TestModelRecords.key(1), TestModelRecords.mlp(1));
    Map<String, String> flags = new HashMap<>(kafka.appConfig(stateDir));
    flags.put("http.port", "0");
    flags.put("inference.batch.size", "32");
    Properties config = AppConfig.load(Optional.empty(), Map.of(), flags);
    app = new StreamApp(config);
    app.start();
    await()
        .atMost(AWAIT)
        .untilAsserted(() -> assertThat(get("/ready").statusCode()).isEqualTo(200));

    // When 500 events arrive, 25 of them bad
    List<String> good = new ArrayList<>();
    int bad = 0;
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (int i = 0; i < 500; i++) {
        String id = "e2e-" + i;
        byte[] key = TestEvents.key("key-" + (i % 37));
        byte[] value;
        if (i % 20 == 7) {
          value = TestEvents.encode(TestEvents.raw28(id, 42)); // INVALID_LABEL
          bad++;
        } else if (i % 20 == 13) {
          key = null; // MISSING_KEY
          value = TestEvents.encode(TestEvents.raw28(id, null));
          bad++;
        } else {
          value = TestEvents.encode(TestEvents.raw28(id, i % 10));
          good.add(id);
        }
        producer.send(new ProducerRecord<>(kafka.topics.images(), key, value));
      }
      producer.flush();
    }

    // Then every good event has exactly one committed prediction, every bad one a dead letter
    await()
        .atMost(AWAIT)
        .untilAsserted(() -> assertThat(predictionIds()).containsExactlyInAnyOrderElementsOf(good));
    List<DeadLetter> letters =
        kafka.readCommitted(kafka.topics.deadLetters(), ContractSerdes.deadLetter());
    assertThat(letters).hasSize(bad);
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .containsOnly(DeadLetterReason.INVALID_LABEL, DeadLetterReason.MISSING_KEY);
    assertThat(letters).allMatch(l -> l.getEventId() != null && l.getOriginalValue() != null);
    String metrics = get("/metrics").body();
    assertThat(metrics).contains("mnist_events_in_total 500.0");
    assertThat(metrics).contains("kafka_stream"); // Kafka Streams' own metrics are bound too
    assertThat(get("/model").body()).contains("\"active\":{\"version\":1,");

    // And when version 2 is published, later events are classified with it
    kafka.send(kafka.topics.models(), TestModelRecords.key(2), TestModelRecords.mlp(2));
    await()
        .atMost(AWAIT)
        .untilAsserted(() -> assertThat(app.registry().routing().active().version()).isEqualTo(2));
    kafka.assertNextEventClassifiedBy("after-swap", 2, AWAIT);
    // and nothing was classified twice meanwhile
    assertThat(predictionIds()).hasSize(good.size() + 1).doesNotHaveDuplicates();
  }

  private List<String> predictionIds() throws Exception {
    return kafka.readCommitted(kafka.topics.predictions(), ContractSerdes.prediction()).stream()
        .map(Prediction::getEventId)
        .toList();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
