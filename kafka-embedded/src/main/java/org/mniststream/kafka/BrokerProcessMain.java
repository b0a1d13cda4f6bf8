package org.mniststream.kafka;

import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the broker's child JVM, launched by {@link EmbeddedKafkaBroker}; not meant to be
 * run by hand (use {@link EmbeddedKafkaMain}).
 *
 * <p>It does in one JVM what {@code kafka-storage.sh format} followed by {@code
 * kafka-server-start.sh} do in two, which saves a JVM start on every broker start and restart.
 *
 * <p>Arguments: {@code <server.properties> <clusterId>}.
 */
public final class BrokerProcessMain {

  /** System property carrying the pid of the JVM that owns this broker. */
  static final String PARENT_PID_PROPERTY = "mnist.kafka.parentPid";

  private static final Logger LOG = LoggerFactory.getLogger(BrokerProcessMain.class);

  private BrokerProcessMain() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: BrokerProcessMain <server.properties> <clusterId>");
    }
    String serverProperties = args[0];
    String clusterId = args[1];
    exitWhenParentDies();

    // --ignore-formatted makes the format step idempotent: a restart on an existing data dir
    // keeps its cluster id and metadata. controller.quorum.voters is static, so neither
    // --standalone nor --initial-controllers is needed.
    int rc =
        kafka.tools.StorageTool.execute(
            new String[] {"format", "-t", clusterId, "-c", serverProperties, "--ignore-formatted"},
            System.out);
    if (rc != 0) {
      LOG.error("kafka-storage format failed with exit code {}", rc);
      System.exit(rc);
    }
    kafka.Kafka.main(new String[] {serverProperties});
  }

  /**
   * A kill -9 of the parent runs none of its shutdown hooks, so the broker watches the parent
   * itself; otherwise an orphan broker would keep its ports and data dir after a crashed test run.
   */
  private static void exitWhenParentDies() {
    OptionalLong parentPid = parentPid();
    if (parentPid.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> parent = ProcessHandle.of(parentPid.getAsLong());
    if (parent.isEmpty()) {
      LOG.error("owner process {} is already gone, not starting", parentPid.getAsLong());
      Runtime.getRuntime().halt(3);
    }
    parent
        .get()
        .onExit()
        .thenRun(
            () -> {
              LOG.error("owner process {} died, halting the broker", parentPid.getAsLong());
              // halt, not exit: the owner is gone, nobody waits for a clean shutdown, and the
              // next owner must be able to take the ports at once.
              Runtime.getRuntime().halt(3);
            });
  }

  private static OptionalLong parentPid() {
    String value = System.getProperty(PARENT_PID_PROPERTY);
    if (value == null || value.isBlank()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Long.parseLong(value.trim()));
  }
}
