package org.mniststream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster of N KRaft nodes, each an {@link EmbeddedKafkaBroker} (combined
 * broker+controller, its own child JVM, ports and data dir) and every one a voter of a static
 * quorum. Replication follows the cluster's size ({@link BrokerConfig#replicationFactorFor}): on
 * three nodes every topic, the internal ones included, has three replicas and {@code
 * min.insync.replicas=2}, so one node can die without losing or refusing a write.
 *
 * <p>Nodes are addressed by index, 0 to N-1 ({@code node.id} is index + 1); any one of them can be
 * killed, stopped and restarted on its ports and data while the others run. {@link
 * #partitionLeader} and {@link #activeController} say which node to kill for a given failure.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().nodes(3).start()) {
 *   int leader = cluster.partitionLeader("images", 0);
 *   cluster.kill(leader);
 *   ...
 *   cluster.restart(leader);
 * }
 * }</pre>
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final List<EmbeddedKafkaBroker> nodes;
  private final Path dataDir;
  private final boolean temporaryDataDir;
  private final Duration startupTimeout;
  private final Duration stopTimeout;
  private final Thread reaper;
  private boolean reaperRegistered;
  private boolean closed;

  private EmbeddedKafkaCluster(
      List<EmbeddedKafkaBroker> nodes,
      Path dataDir,
      boolean temporaryDataDir,
      Duration startupTimeout,
      Duration stopTimeout) {
    this.nodes = List.copyOf(nodes);
    this.dataDir = dataDir;
    this.temporaryDataDir = temporaryDataDir;
    this.startupTimeout = startupTimeout;
    this.stopTimeout = stopTimeout;
    this.reaper = new Thread(this::deleteDataDirOnJvmExit, "embedded-kafka-cluster-cleanup");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Launches every node, then returns once each answers and all of them are registered: a topic
   * created right after gets its replicas on every node.
   *
   * @throws IllegalStateException when a node does not come up within the startup timeout
   */
  public synchronized EmbeddedKafkaCluster start() {
    if (closed) {
      throw new IllegalStateException("cluster was closed");
    }
    long startNanos = System.nanoTime();
    if (temporaryDataDir && !reaperRegistered) {
      Runtime.getRuntime().addShutdownHook(reaper);
      reaperRegistered = true;
    }
    // All at once: no node is ready before a majority of the voters runs.
    nodes.forEach(EmbeddedKafkaBroker::launchChild);
    nodes.forEach(EmbeddedKafkaBroker::awaitStarted);
    awaitRegistered(nodes.size(), startNanos);
    LOG.info(
        "Kafka cluster of {} nodes ready on {} after {} ms",
        nodes.size(),
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    return this;
  }

  /** Every node's {@code 127.0.0.1:<port>}, comma-separated; the same across restarts. */
  public String bootstrapServers() {
    return nodes.stream()
        .map(EmbeddedKafkaBroker::bootstrapServers)
        .collect(Collectors.joining(","));
  }

  public int size() {
    return nodes.size();
  }

  /** Node {@code index} (0-based; its {@code node.id} is index + 1). */
  public EmbeddedKafkaBroker node(int index) {
    return nodes.get(index);
  }

  public List<EmbeddedKafkaBroker> nodes() {
    return nodes;
  }

  /** The parent of the nodes' data dirs ({@code node-1}, {@code node-2}, ...). */
  public Path dataDir() {
    return dataDir;
  }

  /** Blocks until a node's JVM exits (Ctrl-C, a crash); its exit code. For the launcher. */
  int awaitAnyExit() throws InterruptedException {
    while (true) {
      for (EmbeddedKafkaBroker node : nodes) {
        if (!node.isRunning()) {
          return node.awaitExit();
        }
      }
      Thread.sleep(500);
    }
  }

  /** Kill -9 of node {@code index}; the others go on (with a quorum, if a majority is left). */
  public void kill(int index) {
    LOG.info(
        "kill -9 of Kafka node {} (node.id {}, {})",
        index,
        node(index).nodeId(),
        node(index).bootstrapServers());
    node(index).kill();
  }

  /** Graceful stop of node {@code index}: it hands its leaderships over before it exits. */
  public void stop(int index) {
    node(index).stop();
  }

  /** Restarts node {@code index} on its ports and data; returns once it answers again. */
  public void restart(int index) {
    node(index).restart();
  }

  /**
   * The index of the node leading {@code topic}'s partition {@code partition}, as the cluster's
   * metadata says now.
   *
   * @throws IllegalStateException when the partition has no leader (or the metadata cannot be read)
   */
  public int partitionLeader(String topic, int partition) {
    return withAdmin(
        admin -> {
          TopicDescription description =
              admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
          Node leader =
              description.partitions().stream()
                  .filter(p -> p.partition() == partition)
                  .findFirst()
                  .map(TopicPartitionInfo::leader)
                  .orElseThrow(() -> new IllegalArgumentException("no partition " + partition));
          if (leader == null || leader.isEmpty()) {
            throw new IllegalStateException(topic + "-" + partition + " has no leader now");
          }
          return indexOf(leader.id());
        },
        "the leader of " + topic + "-" + partition);
  }

  /** The index of the node that is the active controller (the KRaft quorum's leader) now. */
  public int activeController() {
    return withAdmin(
        admin -> indexOf(admin.describeMetadataQuorum().quorumInfo().get().leaderId()),
        "the active controller");
  }

  /** Stops every node and deletes the data dir if it is a temporary one. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    // All nodes get SIGTERM at once: a node stopped after the others would wait for a quorum
    // that is gone, and be killed only after the stop timeout.
    List<Thread> stoppers =
        nodes.stream().map(n -> new Thread(n::close, "embedded-kafka-stop-" + n.nodeId())).toList();
    stoppers.forEach(Thread::start);
    for (Thread stopper : stoppers) {
      try {
        stopper.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (reaperRegistered) {
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException jvmShuttingDown) {
        // The hook is running or about to; deleting twice is harmless.
      }
    }
    if (temporaryDataDir) {
      deleteDataDir();
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaCluster[" + bootstrapServers() + ", dataDir=" + dataDir + "]";
  }

  /**
   * Shutdown hook: each node's own hook stops its JVM (without this cluster's lock, which a thread
   * calling exit may hold); the temporary data dir can only go once they are all gone.
   */
  private void deleteDataDirOnJvmExit() {
    long deadline = System.nanoTime() + stopTimeout.plusSeconds(30).toNanos();
    while (nodes.stream().anyMatch(EmbeddedKafkaBroker::isRunning)) {
      if (System.nanoTime() - deadline > 0) {
        return; // a leftover temp dir is harmless; a hook that never ends is not
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
    try {
      deleteDataDir();
    } catch (UncheckedIOException e) {
      // Too late to report anywhere useful.
    }
  }

  private void deleteDataDir() {
    EmbeddedKafkaBroker.deleteDirectory(dataDir);
  }

  private int indexOf(int nodeId) {
    if (nodeId < 1 || nodeId > nodes.size()) {
      throw new IllegalStateException("no node with id " + nodeId + " in " + this);
    }
    return nodeId - 1;
  }

  private void awaitRegistered(int expected, long startNanos) {
    long deadline = startNanos + startupTimeout.toNanos();
    int registered = 0;
    while (true) {
      try {
        registered =
            withAdmin(admin -> admin.describeCluster().nodes().get().size(), "the brokers");
        if (registered >= expected) {
          return;
        }
      } catch (IllegalStateException notYet) {
        LOG.debug("cluster not answering yet: {}", notYet.toString());
      }
      if (System.nanoTime() - deadline > 0) {
        close();
        throw new IllegalStateException(
            registered
                + " of "
                + expected
                + " Kafka nodes registered after "
                + startupTimeout
                + "; see the logs under "
                + dataDir);
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the cluster", e);
      }
    }
  }

  private <T> T withAdmin(AdminCall<T> call, String what) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-cluster-admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
    try (Admin admin = Admin.create(props)) {
      return call.apply(admin);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read " + what + " from " + this, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("reading " + what + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + what, e);
    }
  }

  @FunctionalInterface
  private interface AdminCall<T> {
    T apply(Admin admin) throws ExecutionException, TimeoutException, InterruptedException;
  }

  /** Options of an {@link EmbeddedKafkaCluster}; every one has a working default. */
  public static final class Builder extends NodeOptions<Builder> {
    private int nodes = 3;
    private int basePort;
    private int baseControllerPort;

    private Builder() {
      super(Duration.ofSeconds(120));
    }

    @Override
    Builder self() {
      return this;
    }

    /** How many nodes, each broker and controller; default 3. */
    public Builder nodes(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("a cluster needs at least one node: " + count);
      }
      this.nodes = count;
      return this;
    }

    /**
     * Client ports {@code port}, {@code port + 1}, ... (checked against the {@link #nodes} set so
     * far, and again at build); 0, the default, picks free ones.
     */
    public Builder basePort(int port) {
      this.basePort = checkPortRange(port);
      return this;
    }

    /** Controller ports {@code port}, {@code port + 1}, ...; 0, the default, picks free ones. */
    public Builder baseControllerPort(int port) {
      this.baseControllerPort = checkPortRange(port);
      return this;
    }

    public EmbeddedKafkaCluster build() {
      checkPortRange(basePort);
      checkPortRange(baseControllerPort);
      if (basePort != 0
          && baseControllerPort != 0
          && Math.abs(basePort - baseControllerPort) < nodes) {
        throw new IllegalArgumentException(
            "client ports from "
                + basePort
                + " and controller ports from "
                + baseControllerPort
                + " overlap on "
                + nodes
                + " nodes");
      }
      boolean temporary = dataDir == null;
      Path root;
      try {
        root =
            temporary
                ? Files.createTempDirectory("embedded-kafka-cluster-")
                : Files.createDirectories(dataDir.toAbsolutePath());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the cluster's data dir", e);
      }
      int[] free = FreePorts.loopback(2 * nodes);
      List<Integer> ports = ports(basePort, free, 0);
      List<Integer> controllerPorts = ports(baseControllerPort, free, nodes);
      List<Path> nodeDirs =
          IntStream.rangeClosed(1, nodes).mapToObj(id -> root.resolve("node-" + id)).toList();
      String clusterId = existingClusterId(nodeDirs).orElseGet(() -> Uuid.randomUuid().toString());
      List<EmbeddedKafkaBroker> brokers = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        EmbeddedKafkaBroker.Builder node =
            EmbeddedKafkaBroker.builder()
                .clusterNode(i + 1, controllerPorts, clusterId)
                .dataDir(nodeDirs.get(i))
                .port(ports.get(i))
                .brokerProperties(brokerProperties)
                .startupTimeout(startupTimeout)
                .stopTimeout(stopTimeout)
                .gracefulShutdownOnJvmExit(gracefulShutdownOnJvmExit);
        jvmArgs.forEach(node::jvmArg);
        brokers.add(node.build());
      }
      return new EmbeddedKafkaCluster(brokers, root, temporary, startupTimeout, stopTimeout);
    }

    /** {@link #build()} and {@link EmbeddedKafkaCluster#start()}, closing it if start fails. */
    public EmbeddedKafkaCluster start() {
      EmbeddedKafkaCluster cluster = build();
      try {
        return cluster.start();
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
    }

    /** {@code base} and the {@code nodes - 1} ports after it must all be ports (0: free ones). */
    private int checkPortRange(int base) {
      int last = base == 0 ? 0 : base + nodes - 1;
      for (int port : new int[] {base, last}) {
        if (port < 0 || port > 65_535) {
          throw new IllegalArgumentException("not a port: " + port);
        }
      }
      return base;
    }

    private List<Integer> ports(int base, int[] free, int offset) {
      return IntStream.range(0, nodes)
          .mapToObj(i -> base != 0 ? base + i : free[offset + i])
          .toList();
    }

    /**
     * A node formatted before keeps its cluster id, and the others must join that one: the id of
     * any formatted node dir is the cluster's.
     */
    private static Optional<String> existingClusterId(List<Path> nodeDirs) {
      return nodeDirs.stream()
          .map(
              dir ->
                  BrokerConfig.formattedClusterId(
                      dir.resolve(EmbeddedKafkaBroker.KAFKA_LOG_DIR_NAME)))
          .flatMap(Optional::stream)
          .findFirst();
    }
  }
}
