package org.mniststream.kafka;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
    if (nodes == 1) {
      EmbeddedKafkaBroker broker = builder().gracefulShutdownOnJvmExit(true).start();
      announce(broker.bootstrapServers(), broker.dataDir(), "broker log: " + broker.logFile());
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
      return dataDir == null ? builder : builder.dataDir(dataDir);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
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
