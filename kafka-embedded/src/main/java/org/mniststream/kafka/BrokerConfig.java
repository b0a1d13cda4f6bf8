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
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code server.properties} of the single-node KRaft broker: combined broker+controller,
 * loopback listeners, and replication settings a one-node cluster can actually satisfy.
 */
public final class BrokerConfig {

  static final String LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final int NODE_ID = 1;

  /** Large enough for ~2 MB serialized model records plus batch overhead. */
  public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  private BrokerConfig() {}

  /**
   * The broker properties: single-node defaults, then {@code overrides} on top (an override wins,
   * so a test can, say, shorten retention or tune a coordinator).
   */
  public static Map<String, String> properties(
      String host, int port, int controllerPort, Path logDir, Map<String, String> overrides) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    // A static voter set needs no --standalone/--initial-controllers at format time, and a
    // restart keeps the same controller port, so the quorum resumes by itself.
    props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
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

    // One node: every internal topic must be satisfiable with a single replica.
    props.put("num.partitions", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");

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
