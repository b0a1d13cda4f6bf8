package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;
import static org.mniststream.dashboard.TestRecords.T0;
import static org.mniststream.dashboard.TestRecords.comparison;
import static org.mniststream.dashboard.TestRecords.decision;
import static org.mniststream.dashboard.TestRecords.judgedRollout;
import static org.mniststream.dashboard.TestRecords.qualityKey;
import static org.mniststream.dashboard.TestRecords.qualityReport;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.testing.KafkaFixture;

/**
 * The quality panel's state on a real broker: the dashboard reads the rollouts topic as soon as it
 * exists, picks up the quality and decisions topics created after it started, skips an undecodable
 * record and goes on, and serves what it read on {@code /api/state}.
 */
class DashboardQualityIT {
  private static final Duration SEEN = Duration.ofSeconds(30);

  private KafkaFixture kafka;
  private TopicNames topics;
  private KafkaProducer<String, byte[]> producer;
  private DashboardServer dashboard;

  @BeforeEach
  void setUp() {
    kafka = KafkaFixture.shared();
    topics = TopicNames.withPrefix("dq-" + UUID.randomUUID() + ".");
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(props);
  }

  @AfterEach
  void tearDown() {
    if (dashboard != null) {
      dashboard.close();
    }
    producer.close(Duration.ofSeconds(5));
  }

  private void send(String topic, String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  private JsonNode quality() throws Exception {
    return JsonCodec.readTree(dashboard.stateJson()).get("quality");
  }

  @Test
  void shouldShowReportsRolloutAndDecisionsOfTopicsCreatedWhileItRuns() throws Exception {
    // Given only the rollouts topic, with a record that is no rollout, then the judge's rollout
    kafka.createTopic(topics.rollouts(), 1, Map.of("cleanup.policy", "compact"));
    send(topics.rollouts(), "mnist", "not avro".getBytes(StandardCharsets.UTF_8));
    send(
        topics.rollouts(),
        "mnist",
        ContractSerdes.modelRollout().encode(judgedRollout(5, 4, 1, T0)));
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", kafka.bootstrapServers());

    // When the dashboard starts
    dashboard = DashboardServer.start(DashboardClients.connect(client), topics, List.of(), 0);

    // Then it shows the rollout's stage, with no figures for the candidate yet
    await()
        .atMost(SEEN)
        .untilAsserted(
            () -> {
              JsonNode q = quality();
              assertThat(q.path("undecodable").path(topics.rollouts()).longValue()).isEqualTo(1);
              JsonNode rollout = q.path("rollouts").path(0);
              assertThat(rollout.path("judged").booleanValue()).isTrue();
              assertThat(rollout.path("stage").intValue()).isEqualTo(1);
              assertThat(rollout.path("challenger").path("route").textValue()).isEqualTo("CANARY");
              assertThat(rollout.path("challenger").path("comparison").isNull()).isTrue();
            });

    // When the quality app and the judge create their topics and publish
    kafka.createTopic(topics.quality(), 2, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.decisions(), 1, Map.of());
    QualityReport canary =
        qualityReport(5, "CANARY", 900, 891, comparison(4, 850, 2, 5, 0.45)).build();
    QualityReport hourly =
        qualityReport(5, "CANARY", 30, 30).setWindow("PT1H@2025-06-01T12:00:00Z").build();
    QualityReport active = qualityReport(4, "ACTIVE", 9000, 8900).build();
    for (QualityReport r : List.of(canary, hourly, active)) {
      send(topics.quality(), qualityKey(r), ContractSerdes.qualityReport().encode(r));
    }
    send(topics.decisions(), "mnist", new byte[] {(byte) 0xC3, 0x01, 7});
    send(
        topics.decisions(),
        "mnist",
        ContractSerdes.judgeDecision()
            .encode(decision(0, "PROMOTE", "v5 not worse than v4", T0.plusSeconds(60))));

    // Then the page's state has them: reports, the canary's comparison, the decision
    await()
        .atMost(SEEN)
        .untilAsserted(
            () -> {
              JsonNode q = quality();
              assertThat(AggregatesTest.list(q.get("reports")))
                  .extracting(
                      r -> r.get("version").longValue(),
                      r -> r.get("route").textValue(),
                      r -> r.get("labelled").longValue())
                  .containsExactly(tuple(5L, "CANARY", 900L), tuple(4L, "ACTIVE", 9000L));
              assertThat(q.path("windowedSkipped").longValue()).isEqualTo(1);
              JsonNode c = q.path("rollouts").path(0).path("challenger").path("comparison");
              assertThat(c.path("pairs").longValue()).isEqualTo(850);
              assertThat(c.path("pValue").doubleValue()).isEqualTo(0.45);
              assertThat(AggregatesTest.list(q.get("decisions")))
                  .extracting(d -> d.get("action").textValue(), d -> d.get("reason").textValue())
                  .containsExactly(tuple("PROMOTE", "v5 not worse than v4"));
              assertThat(q.get("undecodable"))
                  .isEqualTo(
                      JsonCodec.readTree(
                          "{\"" + topics.decisions() + "\":1,\"" + topics.rollouts() + "\":1}"));
              JsonNode names = JsonCodec.readTree(dashboard.stateJson()).get("topics");
              assertThat(names.get("quality").textValue()).isEqualTo(topics.quality());
            });
  }
}
