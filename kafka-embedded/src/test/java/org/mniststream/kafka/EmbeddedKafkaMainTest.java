package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EmbeddedKafkaMainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void shouldParsePortsDataDirAndProperties(@TempDir Path dir) {
    EmbeddedKafkaMain main = new EmbeddedKafkaMain();
    new CommandLine(main)
        .parseArgs(
            "--port", "29092",
            "--controller-port", "29093",
            "--data-dir", dir.toString(),
            "--property", "log.retention.ms=5000");

    try (EmbeddedKafkaBroker broker = main.builder().build()) {
      assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:29092");
      assertThat(broker.controllerPort()).isEqualTo(29093);
      assertThat(broker.dataDir()).isEqualTo(dir);
      assertThat(broker.brokerConfig()).containsEntry("log.retention.ms", "5000");
    }
  }

  @Test
  void shouldParseAClusterWithConsecutivePortsAndANodeDirEach(@TempDir Path dir) {
    EmbeddedKafkaMain main = new EmbeddedKafkaMain();
    new CommandLine(main)
        .parseArgs(
            "--nodes", "3",
            "--port", "29092",
            "--controller-port", "29192",
            "--data-dir", dir.toString(),
            "--property", "log.retention.ms=5000");

    try (EmbeddedKafkaCluster cluster = main.clusterBuilder().build()) {
      assertThat(cluster.bootstrapServers())
          .isEqualTo("127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094");
      assertThat(cluster.nodes())
          .extracting(EmbeddedKafkaBroker::controllerPort)
          .containsExactly(29192, 29193, 29194);
      assertThat(cluster.nodes())
          .extracting(EmbeddedKafkaBroker::dataDir)
          .containsExactly(dir.resolve("node-1"), dir.resolve("node-2"), dir.resolve("node-3"));
      assertThat(cluster.node(2).brokerConfig())
          .containsEntry("node.id", "3")
          .containsEntry("log.retention.ms", "5000");
    }
  }

  @Test
  void shouldAnswerHelpWithTheUsageAndNoBroker() {
    assertThat(execute("--help")).isZero();

    assertThat(out.toString())
        .startsWith("Usage: broker")
        .contains("--data-dir", "--property", "--nodes")
        .doesNotContain("bootstrap.servers=");
  }

  @Test
  void shouldRejectMalformedOptions() {
    assertThat(execute("--bogus")).isEqualTo(2);
    assertThat(execute("--port")).isEqualTo(2);
    assertThat(execute("--property", "novalue")).isEqualTo(2);
    assertThat(execute("--port", "70000")).isEqualTo(2);
    assertThat(execute("--nodes", "3", "--port", "65534")).isEqualTo(2);
    assertThat(execute("--nodes", "0")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--bogus", "novalue", "not a port: 70000", "not a port: 65536", "at least one");
  }

  @Test
  void shouldParseASecureBrokerWithItsUsers(@TempDir Path dir) {
    EmbeddedKafkaMain main = new EmbeddedKafkaMain();
    new CommandLine(main)
        .parseArgs(
            "--secure", "--user", "trainer", "--user", "stream-app", "--data-dir", dir.toString());

    try (EmbeddedKafkaBroker broker = main.builder().build()) {
      assertThat(broker.security().orElseThrow().users())
          .containsExactly("broker", "admin", "trainer", "stream-app");
      assertThat(broker.brokerConfig())
          .containsEntry("allow.everyone.if.no.acl.found", "false")
          .containsEntry("advertised.listeners", "SASL_SSL://" + broker.bootstrapServers());
    }
  }

  @Test
  void shouldRejectSecureWithSeveralNodesAndUsersWithoutSecure() {
    assertThat(execute("--secure", "--nodes", "3")).isEqualTo(2);
    assertThat(execute("--user", "trainer")).isEqualTo(2);
    assertThat(err.toString()).contains("--secure runs one node", "--user goes with --secure");
  }

  private int execute(String... args) {
    return new CommandLine(new EmbeddedKafkaMain())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }
}
