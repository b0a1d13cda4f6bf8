package org.mniststream.kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Runs one {@link EmbeddedKafkaBroker} until Ctrl-C, for operators who want a local broker without
 * installing Kafka:
 *
 * <pre>
 * java -cp ... org.mniststream.kafka.EmbeddedKafkaMain [--port 9092] [--controller-port 9093]
 *     [--data-dir DIR] [--property name=value]...
 * </pre>
 *
 * Prints {@code bootstrap.servers=127.0.0.1:<port>} once the broker answers.
 */
public final class EmbeddedKafkaMain {

  private static final String USAGE =
      "usage: EmbeddedKafkaMain [--port N] [--controller-port N] [--data-dir DIR]"
          + " [--property name=value]...\n"
          + "  Without --data-dir the data lives in a temporary dir deleted on exit.";

  private static final int SIGINT_EXIT = 128 + 2;
  private static final int SIGTERM_EXIT = 128 + 15;

  private EmbeddedKafkaMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedKafkaBroker.Builder builder;
    try {
      builder = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (builder == null) {
      System.out.println(USAGE);
      return;
    }
    // Ctrl-C reaches the shutdown hook, which then stops the broker gracefully.
    EmbeddedKafkaBroker broker = builder.gracefulShutdownOnJvmExit(true).start();
    PrintStream out = System.out;
    out.println("bootstrap.servers=" + broker.bootstrapServers());
    out.println("data dir: " + broker.dataDir());
    out.println("broker log: " + broker.logFile());
    out.println("Ctrl-C stops the broker.");
    out.flush();
    int exitCode = broker.awaitExit();
    if (exitCode == SIGINT_EXIT || exitCode == SIGTERM_EXIT) {
      // The terminal's Ctrl-C reaches the broker too (same process group): a normal stop.
      return;
    }
    System.err.println("Kafka broker exited with code " + exitCode + "; see " + broker.logFile());
    broker.close();
    System.exit(exitCode == 0 ? 1 : exitCode);
  }

  /** The options as a builder, or null when help was asked for. */
  static EmbeddedKafkaBroker.Builder parse(String[] args) {
    EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder();
    Iterator<String> it = Arrays.asList(args).iterator();
    while (it.hasNext()) {
      String arg = it.next();
      switch (arg) {
        case "-h", "--help" -> {
          return null;
        }
        case "--port" -> builder.port(parsePort(arg, value(arg, it)));
        case "--controller-port" -> builder.controllerPort(parsePort(arg, value(arg, it)));
        case "--data-dir" -> builder.dataDir(Path.of(value(arg, it)));
        case "--property" -> {
          String property = value(arg, it);
          int eq = property.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--property needs name=value, got: " + property);
          }
          builder.brokerProperty(property.substring(0, eq), property.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option: " + arg);
      }
    }
    return builder;
  }

  private static String value(String option, Iterator<String> it) {
    if (!it.hasNext()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return it.next();
  }

  private static int parsePort(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a port number, got: " + value, e);
    }
  }
}
