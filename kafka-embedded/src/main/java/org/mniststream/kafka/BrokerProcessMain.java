package org.mniststream.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * <p>Arguments: {@code <server.properties> <clusterId> [<scram-credentials.properties>]}. The
 * optional file ({@code user=password} lines, see {@link BrokerSecurity}) adds a SCRAM-SHA-512
 * credential per user when the data dir is first formatted ({@code format --add-scram}); it is read
 * here rather than passed as arguments, so no password shows on a command line.
 */
public final class BrokerProcessMain {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerProcessMain.class);

  private BrokerProcessMain() {}

  public static void main(String[] args) {
    if (args.length != 2 && args.length != 3) {
      throw new IllegalArgumentException(
          "usage: BrokerProcessMain <server.properties> <clusterId> [<scram-credentials>]");
    }
    String serverProperties = args[0];
    String clusterId = args[1];
    List<String> format =
        new ArrayList<>(
            List.of("format", "-t", clusterId, "-c", serverProperties, "--ignore-formatted"));
    if (args.length == 3) {
      format.addAll(scramArguments(BrokerConfig.read(Path.of(args[2]))));
    }

    // --ignore-formatted makes the format step idempotent: a restart on an existing data dir
    // keeps its cluster id and metadata. controller.quorum.voters is static, so neither
    // --standalone nor --initial-controllers is needed.
    int rc = kafka.tools.StorageTool.execute(format.toArray(String[]::new), System.out);
    if (rc != 0) {
      LOG.error("kafka-storage format failed with exit code {}", rc);
      System.exit(rc);
    }
    kafka.Kafka.main(new String[] {serverProperties});
  }

  /** {@code --add-scram SCRAM-SHA-512=[name=u,password=p]} per user of {@code credentials}. */
  static List<String> scramArguments(Map<String, String> credentials) {
    List<String> out = new ArrayList<>();
    credentials.forEach(
        (user, password) -> {
          out.add("--add-scram");
          out.add(BrokerSecurity.MECHANISM + "=[name=" + user + ",password=" + password + "]");
        });
    return out;
  }
}
