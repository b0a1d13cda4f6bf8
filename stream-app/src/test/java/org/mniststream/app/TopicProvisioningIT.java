package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mniststream.app.config.AppConfig;
import org.mniststream.schemas.TopicNames;
import org.mniststream.testing.KafkaFixture;

/**
 * A user's first real deployment: an existing cluster on which nobody created the topics yet. The
 * app refuses to start with one line naming what is missing and how to create it; {@code topics}
 * creates and checks them; an unreachable cluster is one line too, within the timeout given.
 */
class TopicProvisioningIT {
  private final KafkaFixture kafka = KafkaFixture.shared();
  private final String run = "prov-" + UUID.randomUUID().toString().substring(0, 8) + ".";
  private final TopicNames names = TopicNames.withPrefix(run);
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void shouldRefuseToStartWithOneLineNamingTheMissingTopicsAndTheCommandThatCreatesThem()
      throws Exception {
    try (StreamApp app = new StreamApp(config(kafka.bootstrapServers(), Map.of()))) {
      assertThatThrownBy(app::start)
          .isInstanceOf(StartupException.class)
          .hasMessage(
              "missing topics "
                  + String.join(
                      ", ",
                      names.images(),
                      names.predictions(),
                      names.shadowPredictions(),
                      names.deadLetters(),
                      names.models(),
                      names.rollouts(),
                      names.instances(),
                      names.labels(),
                      names.quality(),
                      names.decisions(),
                      names.review(),
                      names.trustedKeys())
                  + " on "
                  + kafka.bootstrapServers()
                  + ": create them with `mnist-stream topics --create --set bootstrap.servers="
                  + kafka.bootstrapServers()
                  + "` (same config as the app), or start with --set"
                  + " startup.create-topics=true");
    }
  }

  @Test
  void shouldCheckCreateAndCheckAgainWithTheTopicsCommand() {
    assertThat(cli("topics")).isEqualTo(StreamAppCli.TOPICS_NOT_AS_LAID_OUT);
    assertThat(out.toString().lines().filter(l -> l.startsWith("MISSING"))).hasSize(12);

    assertThat(cli("topics", "--create", "--partitions", "2")).isEqualTo(StreamAppCli.OK);
    assertThat(out.toString().lines().filter(l -> l.startsWith("CREATED"))).hasSize(12);

    assertThat(cli("topics", "--partitions", "2")).isEqualTo(StreamAppCli.OK);
    assertThat(out.toString().lines().filter(l -> l.startsWith("OK"))).hasSize(12);
    assertThat(out.toString()).contains("Every topic is as laid out");

    // the default layout has 4 image partitions: what was created with 2 is reported as drift
    assertThat(cli("topics")).isEqualTo(StreamAppCli.TOPICS_NOT_AS_LAID_OUT);
    assertThat(out.toString())
        .contains("DRIFT     " + names.images())
        .contains("partitions: 2 (4)");
  }

  @Test
  void shouldCreateTheMissingTopicsAtStartUpWhenTheOperatorOptsIn() throws Exception {
    Map<String, String> extra =
        Map.of("startup.create-topics", "true", "startup.model-timeout-ms", "1000");
    try (StreamApp app = new StreamApp(config(kafka.bootstrapServers(), extra))) {
      // no model was ever published, so the start ends there: after the topics were created
      assertThatThrownBy(app::start)
          .isInstanceOf(StartupException.class)
          .hasMessageStartingWith("no servable version of mnist on " + names.models());
    }
    assertThat(cli("topics")).isEqualTo(StreamAppCli.OK);
  }

  @Test
  void shouldSayInOneLineThatKafkaCannotBeReached() throws Exception {
    Map<String, String> extra = Map.of("startup.kafka-timeout-ms", "2000");
    long start = System.nanoTime();
    try (StreamApp app = new StreamApp(config("127.0.0.1:1", extra))) {
      assertThatThrownBy(app::start)
          .isInstanceOf(StartupException.class)
          .hasMessage(
              "cannot reach Kafka at 127.0.0.1:1 within 2 s (startup.kafka-timeout-ms): check"
                  + " bootstrap.servers, the cluster and the client's security settings");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));

    assertThat(
            StreamAppCli.execute(
                Map.of(),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                "topics",
                "--timeout",
                "2",
                "--set",
                "bootstrap.servers=127.0.0.1:1"))
        .isEqualTo(StreamAppCli.FAILED);
    assertThat(err.toString().lines().toList())
        .containsExactly(
            "cannot reach Kafka at 127.0.0.1:1 within 2 s (to describe the cluster): check"
                + " bootstrap.servers, the cluster and the client's security settings");
  }

  private java.util.Properties config(String bootstrap, Map<String, String> extra)
      throws Exception {
    Map<String, String> flags = new HashMap<>(names.toProperties());
    flags.put("bootstrap.servers", bootstrap);
    flags.put("application.id", run + "app");
    flags.put("state.dir", Files.createTempDirectory("provisioning-it").toString());
    flags.put("http.port", "0");
    flags.putAll(extra);
    return AppConfig.load(Optional.empty(), Map.of(), flags);
  }

  private int cli(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--set");
    all.add("bootstrap.servers=" + kafka.bootstrapServers());
    names.toProperties().forEach((k, v) -> all.addAll(List.of("--set", k + "=" + v)));
    return StreamAppCli.execute(
        Map.of(),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        all.toArray(String[]::new));
  }
}
