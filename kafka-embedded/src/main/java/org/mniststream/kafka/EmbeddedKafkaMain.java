package org.mniststream.kafka;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs one {@link EmbeddedKafkaBroker}, or with {@code --nodes N} an {@link EmbeddedKafkaCluster},
 * until Ctrl-C, for operators who want a local broker without installing Kafka ({@code mnist-stream
 * broker}, or this class's {@code main}). Prints {@code bootstrap.servers=127.0.0.1:<port>,...}
 * once every node answers.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a real Kafka broker (KRaft), or a cluster of them, on this machine until Ctrl-C.",
      "Without --data-dir the data lives in a temporary dir deleted on exit."
    })
public final class EmbeddedKafkaMain implements Callable<Integer> {

  private static final int SIGINT_EXIT = 128 + 2;
  private static final int SIGTERM_EXIT = 128 + 15;

  @Spec CommandSpec spec;

  @Option(
      names = "--nodes",
      description = {
        "KRaft nodes, each broker and controller (default: ${DEFAULT-VALUE}). With 3 or more,",
        "every topic gets 3 replicas and min.insync.replicas=2."
      })
  int nodes = 1;

  @Option(
      names = "--port",
      description = "Client port (default: a free one); with --nodes, node i's is this + i.")
  int port;

  @Option(
      names = "--controller-port",
      description = "KRaft controller port (default: a free one); with --nodes, this + i.")
  int controllerPort;

  @Option(
      names = "--data-dir",
      description = "Keep the broker's data here (node-1, node-2... with --nodes), across runs.")
  Path dataDir;

  @Option(
      names = "--secure",
      description = {
        "SASL_SSL with SCRAM-SHA-512 and the standard authorizer, nothing allowed unless an ACL",
        "grants it (see BrokerSecurity); writes a client properties file per --user and admin."
      })
  boolean secure;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description = {
        "With --secure: a SCRAM user besides admin, repeatable (e.g. the principals of",
        "'security acls': image-producer, trainer, stream-app, operator, dashboard, judge)."
      })
  List<String> users = new ArrayList<>();

  @Option(
      names = "--property",
      paramLabel = "name=value",
      description = "A broker property over the defaults, for every node; repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the broker until it stops; the exit code (0 after Ctrl-C, 2 for a usage error). */
  public static int execute(String... args) {
    return new CommandLine(new EmbeddedKafkaMain()).execute(args);
  }

  @Override
  public Integer call() throws InterruptedException {
    // Ctrl-C reaches the shutdown hook, which then stops the broker gracefully.
    if (secure && nodes != 1) {
      throw new ParameterException(spec.commandLine(), "--secure runs one node: drop --nodes");
    }
    if (!secure && !users.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--user goes with --secure");
    }
    if (nodes == 1) {
      EmbeddedKafkaBroker broker = builder().gracefulShutdownOnJvmExit(true).start();
      announce(broker.bootstrapServers(), broker.dataDir(), "broker log: " + broker.logFile());
      if (secure) {
        announceClients(broker);
      }
      return exitCode(broker.awaitExit(), broker.logFile().toString(), broker::close);
    }
    EmbeddedKafkaCluster cluster = clusterBuilder().gracefulShutdownOnJvmExit(true).start();
    String logs =
        cluster.dataDir().resolve("node-*").resolve(EmbeddedKafkaBroker.LOG_FILE_NAME).toString();
    announce(cluster.bootstrapServers(), cluster.dataDir(), "node logs: " + logs);
    return exitCode(cluster.awaitAnyExit(), logs, cluster::close);
  }

  private void announce(String bootstrapServers, Path data, String logs) {
    PrintWriter out = spec.commandLine().getOut();
    out.println("bootstrap.servers=" + bootstrapServers);
    out.println("data dir: " + data);
    out.println(logs);
    out.println("Ctrl-C stops the " + (nodes == 1 ? "broker." : "cluster."));
    out.flush();
  }

  /** Writes a client properties file per user, readable by its owner only, and names them. */
  private void announceClients(EmbeddedKafkaBroker broker) {
    PrintWriter out = spec.commandLine().getOut();
    BrokerSecurity security = broker.security().orElseThrow();
    Path dir = broker.dataDir().resolve(BrokerSecurity.SECURITY_DIR_NAME).resolve("clients");
    try {
      Files.createDirectories(dir);
      for (String user : security.users()) {
        if (user.equals(BrokerSecurity.BROKER_USER)) {
          continue;
        }
        StringBuilder text = new StringBuilder();
        broker
            .clientProperties(user)
            .forEach((k, v) -> text.append(k).append('=').append(escape(v)).append('\n'));
        BrokerSecurity.writeOwnerOnly(dir.resolve(user + ".properties"), text.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the client properties under " + dir, e);
    }
    out.println(
        "SASL_SSL (SCRAM-SHA-512); the users may do only what ACLs grant them"
            + " (mnist-stream security acls --apply --command-config "
            + dir.resolve(BrokerSecurity.ADMIN_USER + ".properties")
            + ")");
    out.println("client properties per user: " + dir + "/<user>.properties");
    out.flush();
  }

  /** A properties value: backslashes doubled, so that {@code Properties.load} reads it back. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\");
  }

  private int exitCode(int brokerExitCode, String logs, Runnable close) {
    if (brokerExitCode == SIGINT_EXIT || brokerExitCode == SIGTERM_EXIT) {
      // The terminal's Ctrl-C reaches the broker too (same process group): a normal stop.
      return 0;
    }
    spec.commandLine()
        .getErr()
        .println("Kafka broker exited with code " + brokerExitCode + "; see " + logs);
    close.run();
    return brokerExitCode == 0 ? 1 : brokerExitCode;
  }

  /** The options as a broker builder; a port out of range is a usage error. */
  EmbeddedKafkaBroker.Builder builder() {
    try {
      EmbeddedKafkaBroker.Builder builder =
          EmbeddedKafkaBroker.builder()
              .port(port)
              .controllerPort(controllerPort)
              .brokerProperties(properties);
      if (secure) {
        builder.security(security());
      }
      return dataDir == null ? builder : builder.dataDir(dataDir);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /**
   * The secure profile: fresh passwords, or on a data dir it ran on before, the ones its
   * credentials were made with (they are made once, when the dir is first formatted).
   */
  private BrokerSecurity security() {
    Optional<Map<String, String>> saved =
        dataDir == null ? Optional.empty() : BrokerSecurity.savedPasswords(dataDir);
    if (saved.isEmpty()) {
      return BrokerSecurity.scramOverTls(users);
    }
    List<String> added = users.stream().filter(u -> !saved.get().containsKey(u)).toList();
    if (!added.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "users "
              + added
              + " are not in "
              + dataDir
              + ", whose users were fixed when it was first formatted: "
              + saved.get().keySet());
    }
    return BrokerSecurity.scramOverTls(saved.get());
  }

  /** The options as a cluster builder; a bad node count or port is a usage error. */
  EmbeddedKafkaCluster.Builder clusterBuilder() {
    try {
      EmbeddedKafkaCluster.Builder builder =
          EmbeddedKafkaCluster.builder()
              .nodes(nodes)
              .basePort(port)
              .baseControllerPort(controllerPort)
              .brokerProperties(properties);
      return dataDir == null ? builder : builder.dataDir(dataDir);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
