package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.schemas.InstanceHeartbeat;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.topics.FleetView;
import org.mniststream.topics.TopicReader;

/**
 * The fleet view on a real broker: a running instance says who it is, what it serves and how fast a
 * rollout reached it on the instances topic; {@code models} shows it; a clean shutdown leaves a
 * tombstone, so it is gone from the view at once.
 */
class FleetHeartbeatIT {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private KafkaIt kafka;
  private StreamApp app;

  @BeforeEach
  void startApp() throws Exception {
    kafka = new KafkaIt(KafkaFixture.shared(), 1);
    kafka.send(kafka.topics.models(), TestModelRecords.key(1), TestModelRecords.mlp(1));
    kafka.send(kafka.topics.models(), TestModelRecords.key(2), TestModelRecords.mlp(2));
    app =
        kafka.startApp(
            Map.of(
                "instance.id", "fleet-it-" + kafka.runId,
                "instance.heartbeat-ms", "200",
                "http.advertised-host", "127.0.0.1"));
  }

  @AfterEach
  void stopApp() {
    app.close();
  }

  @Test
  void shouldShowTheInstanceWithWhatItServesAndHowFastARolloutReachedIt() throws Exception {
    String id = "fleet-it-" + kafka.runId;
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () ->
                assertThat(fleet().live(Instant.now()))
                    .singleElement()
                    .satisfies(
                        h -> {
                          assertThat(h.getInstanceId()).isEqualTo(id);
                          assertThat(h.getStreamsState()).isEqualTo("RUNNING");
                          assertThat(h.getPartitions()).containsExactly(0);
                          assertThat(h.getActiveVersion()).isEqualTo(2L);
                          assertThat(h.getHttpAddress())
                              .isEqualTo("http://127.0.0.1:" + app.httpPort());
                        }));

    kafka.send(
        kafka.topics.rollouts(), TestEvents.key("mnist"), TestEvents.rollout(1L, null, 0, null));
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              InstanceHeartbeat h = fleet().live(Instant.now()).get(0);
              assertThat(h.getActiveVersion()).isEqualTo(1L);
              assertThat(h.getRoutingRecordAt()).isNotNull();
              Duration convergence =
                  Duration.between(h.getRoutingRecordAt(), h.getRoutingAppliedAt());
              assertThat(convergence).isBetween(Duration.ZERO, Duration.ofSeconds(10));
            });
    assertThat(app.meters().get("mnist.rollout.convergence").timer().count()).isEqualTo(1);

    StringWriter out = new StringWriter();
    List<String> args = new ArrayList<>(List.of("models"));
    kafka.appConfig(Path.of("unused")).forEach((k, v) -> args.addAll(List.of("-D", k + "=" + v)));
    assertThat(
            StreamAppCli.execute(
                Map.of(),
                new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true),
                args.toArray(String[]::new)))
        .isEqualTo(StreamAppCli.OK);
    assertThat(out.toString()).contains(id).contains("RUNNING").contains("1 live instance(s)");

    app.close();
    await().atMost(AWAIT).untilAsserted(() -> assertThat(fleet().live(Instant.now())).isEmpty());
    assertThat(fleet().dead(Instant.now())).as("a clean shutdown is no death").isEmpty();
  }

  private FleetView fleet() throws Exception {
    FleetView fleet = new FleetView();
    java.util.Properties base = new java.util.Properties();
    base.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(base, "fleet-it"))) {
      TopicReader.readAll(consumer, List.of(kafka.topics.instances()), Duration.ofSeconds(30))
          .forEach(fleet::apply);
    }
    return fleet;
  }
}
