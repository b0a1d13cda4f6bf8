package org.mniststream.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Main class of the broker's child JVM, launched by {@link EmbeddedKafkaBroker} through {@link
 * ChildJvm} (which also halts it when its owner dies); not meant to be run by hand (use {@link
 * EmbeddedKafkaMain}).
 *
 * <p>It does in one JVM what {@code kafka-storage.sh format} followed by {@code
 * kafka-server-start.sh} do in two, which saves a JVM start on every broker start and restart.
 *
 * <p>Arguments: {@code <server.properties> <clusterId>}.
 */
public final class BrokerProcessMain {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerProcessMain.class);

  private BrokerProcessMain() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: BrokerProcessMain <server.properties> <clusterId>");
    }
    String serverProperties = args[0];
    String clusterId = args[1];

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
}
