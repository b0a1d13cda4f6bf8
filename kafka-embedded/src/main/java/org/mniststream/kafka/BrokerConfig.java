package org.mniststream.kafka;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code server.properties} of an embedded KRaft node: combined broker+controller, loopback
 * listeners, a static voter set of every node, and replication settings the cluster's size can
 * actually satisfy.
 */
public final class BrokerConfig {

  static final String LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final int NODE_ID = 1;

  /** Large enough for ~2 MB serialized model records plus batch overhead. */
  public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  private BrokerConfig() {}

  /**
   * The broker properties of a single-node cluster: defaults, then {@code overrides} on top (an
   * override wins, so a test can, say, shorten retention or tune a coordinator).
   */
  public static Map<String, String> properties(
      String host, int port, int controllerPort, Path logDir, Map<String, String> overrides) {
    return properties(NODE_ID, List.of(controllerPort), host, port, logDir, overrides);
  }

  /**
   * The broker properties of node {@code nodeId} (1-based) of a cluster whose node {@code i} has
   * controller port {@code controllerPorts.get(i - 1)}: every node is a voter, and replication
   * follows the product's rule for the cluster's size (see {@link #replicationFactorFor}).
   */
  public static Map<String, String> properties(
      int nodeId,
      List<Integer> controllerPorts,
      String host,
      int port,
      Path logDir,
      Map<String, String> overrides) {
    if (nodeId < 1 || nodeId > controllerPorts.size()) {
      throw new IllegalArgumentException(
          "node id " + nodeId + " outside 1.." + controllerPorts.size());
    }
    int controllerPort = controllerPorts.get(nodeId - 1);
    Map<String, String> props = new LinkedHashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(nodeId));
    // A static voter set needs no --standalone/--initial-controllers at format time, and a
    // restart keeps the same controller port, so the quorum resumes by itself.
    props.put("controller.quorum.voters", quorumVoters(host, controllerPorts));
    props.put(
        "listeners",
        LISTENER
            + "://"
            + host
            + ":"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + host
            + ":"
            + controllerPort);
    props.put("advertised.listeners", LISTENER + "://" + host + ":" + port);
    props.put(
        "listener.security.protocol.map",
        LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("inter.broker.listener.name", LISTENER);
    props.put("log.dirs", logDir.toAbsolutePath().toString());

    // Every topic, the internal ones included, gets what the cluster can satisfy: one replica on
    // one node; on three or more, three replicas of which two must acknowledge, so a write
    // survives the loss of one node and writes go on while it is away.
    String replicas = Integer.toString(replicationFactorFor(controllerPorts.size()));
    String minIsr = Integer.toString(minInsyncReplicasFor(controllerPorts.size()));
    props.put("num.partitions", "1");
    props.put("default.replication.factor", replicas);
    props.put("min.insync.replicas", minIsr);
    props.put("offsets.topic.replication.factor", replicas);
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", replicas);
    props.put("transaction.state.log.min.isr", minIsr);
    props.put("transaction.state.log.num.partitions", "1");
    props.put("share.coordinator.state.topic.replication.factor", replicas);
    props.put("share.coordinator.state.topic.min.isr", minIsr);

    // Tests and the demo create their topics explicitly; a typo must fail, not invent a topic.
    props.put("auto.create.topics.enable", "false");
    // No 3 s wait for more members before the first rebalance: tests would just sleep.
    props.put("group.initial.rebalance.delay.ms", "0");

    props.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
    props.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));

    // After a kill -9 the restarted controller still counts the dead incarnation as alive until
    // its session expires, and rejects the new registration (DUPLICATE_BROKER_REGISTRATION)
    // meanwhile: with the 9 s default a crash-restart took ~12 s, with 3 s it takes ~5 s.
    props.put("broker.session.timeout.ms", "3000");
    props.put("broker.heartbeat.interval.ms", "500");

    // Small machine: fewer threads and a smaller cleaner buffer than the production defaults
    // (the 128 MB dedupe buffer alone would take a quarter of the child's heap).
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "4");
    props.put("background.threads", "4");
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(32 * 1024 * 1024));

    props.putAll(overrides);
    return Collections.unmodifiableMap(props);
  }

  /**
   * Replicas per topic on a cluster of {@code nodes}: min(3, nodes), the rule of the product's
   * topic layout ({@code TopicLayout.replicationFactorFor}), which this module cannot depend on.
   */
  public static int replicationFactorFor(int nodes) {
    return Math.max(1, Math.min(3, nodes));
  }

  /** {@code min.insync.replicas} on a cluster of {@code nodes}: 2 once there are 3 replicas. */
  public static int minInsyncReplicasFor(int nodes) {
    return replicationFactorFor(nodes) >= 3 ? 2 : 1;
  }

  /** The static voter set {@code 1@host:port1,2@host:port2,...}. */
  static String quorumVoters(String host, List<Integer> controllerPorts) {
    StringBuilder voters = new StringBuilder();
    for (int i = 0; i < controllerPorts.size(); i++) {
      if (i > 0) {
        voters.append(',');
      }
      voters.append(i + 1).append('@').append(host).append(':').append(controllerPorts.get(i));
    }
    return voters.toString();
  }

  /** Writes {@code props} as a sorted, escaped properties file, so operators can read it. */
  static void write(Map<String, String> props, Path file) {
    Properties p = new Properties();
    p.putAll(props);
    StringWriter out = new StringWriter();
    try {
      p.store(out, "written by " + EmbeddedKafkaBroker.class.getName());
      // store() escapes each entry onto one line, so sorting lines keeps entries intact;
      // the date comment would make identical configs differ, so it is dropped.
      String body =
          out.toString()
              .lines()
              .filter(l -> !l.startsWith("#") || l.contains("written by"))
              .sorted(
                  Comparator.comparing((String l) -> !l.startsWith("#"))
                      .thenComparing(Comparator.naturalOrder()))
              .collect(Collectors.joining("\n", "", "\n"));
      Files.writeString(file, body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The cluster id a metadata dir was formatted with, if it was. */
  static Optional<String> formattedClusterId(Path metadataDir) {
    Path meta = metadataDir.resolve("meta.properties");
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    return Optional.ofNullable(read(meta).get("cluster.id")).filter(id -> !id.isBlank());
  }

  /** Reads a properties file back, for tests and diagnostics. */
  static Map<String, String> read(Path file) {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Map<String, String> out = new TreeMap<>();
    p.forEach((k, v) -> out.put((String) k, (String) v));
    return out;
  }
}
