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
 * Runs one {@link EmbeddedKafkaBroker} until Ctrl-C, for operators who want a local broker without
 * installing Kafka ({@code mnist-stream broker}, or this class's {@code main}). Prints {@code
 * bootstrap.servers=127.0.0.1:<port>} once the broker answers.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a real single-node Kafka broker (KRaft) on this machine until Ctrl-C.",
      "Without --data-dir the data lives in a temporary dir deleted on exit."
    })
public final class EmbeddedKafkaMain implements Callable<Integer> {

  private static final int SIGINT_EXIT = 128 + 2;
  private static final int SIGTERM_EXIT = 128 + 15;

  @Spec CommandSpec spec;

  @Option(names = "--port", description = "Client port (default: a free one).")
  int port;

  @Option(names = "--controller-port", description = "KRaft controller port (default: a free one).")
  int controllerPort;

  @Option(names = "--data-dir", description = "Keep the broker's data here, across runs.")
  Path dataDir;

  @Option(
      names = "--property",
      paramLabel = "name=value",
      description = "A broker property over the single-node defaults; repeatable.")
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
    EmbeddedKafkaBroker broker = builder().gracefulShutdownOnJvmExit(true).start();
    PrintWriter out = spec.commandLine().getOut();
    out.println("bootstrap.servers=" + broker.bootstrapServers());
    out.println("data dir: " + broker.dataDir());
    out.println("broker log: " + broker.logFile());
    out.println("Ctrl-C stops the broker.");
    out.flush();
    int exitCode = broker.awaitExit();
    if (exitCode == SIGINT_EXIT || exitCode == SIGTERM_EXIT) {
      // The terminal's Ctrl-C reaches the broker too (same process group): a normal stop.
      return 0;
    }
    spec.commandLine()
        .getErr()
        .println("Kafka broker exited with code " + exitCode + "; see " + broker.logFile());
    broker.close();
    return exitCode == 0 ? 1 : exitCode;
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
}
