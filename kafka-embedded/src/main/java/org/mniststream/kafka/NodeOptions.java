package org.mniststream.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The options a single broker and a cluster share, for every node: data dir, broker properties, JVM
 * options, timeouts, and what happens when this JVM exits. {@link EmbeddedKafkaBroker.Builder} and
 * {@link EmbeddedKafkaCluster.Builder} extend it with their own (ports, node count).
 *
 * @param <B> the builder itself, so that the setters chain
 */
public abstract class NodeOptions<B extends NodeOptions<B>> {
  Path dataDir;
  final Map<String, String> brokerProperties = new LinkedHashMap<>();
  final List<String> jvmArgs = new ArrayList<>();
  Duration startupTimeout;
  Duration stopTimeout = Duration.ofSeconds(30);
  boolean gracefulShutdownOnJvmExit;

  NodeOptions(Duration startupTimeout) {
    this.startupTimeout = startupTimeout;
  }

  abstract B self();

  /**
   * Keep the data in {@code dir} (created if missing, never deleted; a cluster puts each node in
   * {@code node-1}, ...), so a later start on the same dir resumes its topics. Default: a temporary
   * dir deleted on close.
   */
  public B dataDir(Path dir) {
    this.dataDir = Objects.requireNonNull(dir, "dir");
    return self();
  }

  /** One broker property (of every node), overriding the default of the same name. */
  public B brokerProperty(String name, String value) {
    brokerProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value));
    return self();
  }

  /** Broker properties (of every node), overriding the defaults of the same names. */
  public B brokerProperties(Map<String, String> properties) {
    properties.forEach(this::brokerProperty);
    return self();
  }

  /** An extra JVM option (of every node's JVM), after the defaults (so {@code -Xmx1g} wins). */
  public B jvmArg(String arg) {
    jvmArgs.add(Objects.requireNonNull(arg, "arg"));
    return self();
  }

  /** How long a start (of the whole cluster, or of a node restarted alone) may take. */
  public B startupTimeout(Duration timeout) {
    this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
    return self();
  }

  /** How long a stop waits after SIGTERM before it kills. */
  public B stopTimeout(Duration timeout) {
    this.stopTimeout = Objects.requireNonNull(timeout, "timeout");
    return self();
  }

  /**
   * When this JVM exits with the broker(s) still running: true stops them gracefully (an operator's
   * Ctrl-C), false (default) kills them at once (a test run ending should not wait).
   */
  public B gracefulShutdownOnJvmExit(boolean graceful) {
    this.gracefulShutdownOnJvmExit = graceful;
    return self();
  }
}
