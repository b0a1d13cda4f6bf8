package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.testing.KafkaFixture;

/**
 * The operator's path on a real broker: {@code models}, then {@code rollout}s a running app obeys.
 */
class RolloutCliIT {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private KafkaIt kafka;
  private StreamApp app;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void startAppWithTwoVersions() throws Exception {
    kafka = new KafkaIt(KafkaFixture.shared(), 1);
    kafka.send(kafka.topics.models(), TestModelRecords.key(1), TestModelRecords.mlp(1));
    kafka.send(kafka.topics.models(), TestModelRecords.key(2), TestModelRecords.mlp(2));
    // no parameters kept beyond the routed version: the rollback below has to read v1 back from
    // the models topic (ModelsTopicLookup) and verify it again
    app = kafka.startApp(Map.of("model.retained-versions", "0"));
  }

  @AfterEach
  void stopApp() {
    app.close();
  }

  @Test
  void shouldListVersionsAndRollBackARunningAppByTopic() throws Exception {
    assertThat(app.registry().routing().active().version()).isEqualTo(2);

    assertThat(cli("models")).isEqualTo(StreamAppCli.OK);
    assertThat(out.toString())
        .contains("2 version(s) of mnist")
        .contains("mlp-v1")
        .contains("Rollout: none");

    assertThat(cli("rollout", "--pin", "9")).isEqualTo(StreamAppCli.REFUSED);
    assertThat(err.toString()).contains("[9]");
    assertThat(cli("rollout", "--percent", "10")).isEqualTo(StreamAppCli.USAGE);

    assertThat(cli("rollout", "--pin", "1", "--reason", "rollback", "--issued-by", "ops"))
        .isEqualTo(StreamAppCli.OK);
    await()
        .atMost(AWAIT)
        .untilAsserted(() -> assertThat(app.registry().routing().active().version()).isEqualTo(1));
    kafka.assertNextEventClassifiedBy("after-rollback", 1, AWAIT);

    assertThat(cli("rollout", "--canary", "2", "--percent", "25")).isEqualTo(StreamAppCli.OK);
    assertThat(cli("rollout", "--percent", "40")).isEqualTo(StreamAppCli.OK);
    List<ModelRollout> rollouts =
        kafka.readCommitted(kafka.topics.rollouts(), ContractSerdes.modelRollout());
    ModelRollout last = rollouts.get(rollouts.size() - 1);
    assertThat(last.getActiveVersion()).isEqualTo(1L);
    assertThat(last.getCanaryVersion()).isEqualTo(2L);
    assertThat(last.getCanaryPercent()).isEqualTo(40);
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              assertThat(app.registry().status().canary().version()).isEqualTo(2);
              assertThat(app.registry().status().canaryPercent()).isEqualTo(40);
            });
  }

  private int cli(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    kafka
        .appConfig(Path.of("unused"))
        .forEach(
            (k, v) -> {
              all.add("-D");
              all.add(k + "=" + v);
            });
    return StreamAppCli.execute(
        Map.of(),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        all.toArray(String[]::new));
  }
}
