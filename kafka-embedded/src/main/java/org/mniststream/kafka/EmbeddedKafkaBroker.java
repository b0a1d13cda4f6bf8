package org.mniststream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (KRaft combined mode: {@code process.roles=broker,controller}, {@code
 * node.id=1}) running in a {@link ChildJvm} started from the Kafka jars on this JVM's classpath;
 * also one node of an {@link EmbeddedKafkaCluster}.
 *
 * <p>A child process rather than an in-process {@code KafkaRaftServer}: tests can kill -9 it and
 * restart it, and its threads, logging and heap stay out of the JVM under test. Its ports are
 * picked once and kept across {@link #stop()}/{@link #kill()}/{@link #restart()}, so clients that
 * were connected reconnect by themselves.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
 *   producerProps.put("bootstrap.servers", broker.bootstrapServers());
 *   ...
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  /** The broker listens on loopback only: nothing outside this machine should reach a test. */
  public static final String HOST = "127.0.0.1";

  /**
   * Small heap and serial GC: the broker shares a small machine with the application and the test.
   * C1 only, because a test broker lives seconds and C2 compiling would steal CPU from the code
   * under test. The defaults come first, so a {@link Builder#jvmArg} can override them (HotSpot
   * takes the last occurrence of a flag).
   */
  static final List<String> DEFAULT_JVM_ARGS =
      List.of(
          "-Xms64m",
          "-Xmx512m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:+ExitOnOutOfMemoryError",
          "-Djava.awt.headless=true");

  static final String LOG_FILE_NAME = "broker.log";
  static final String PROCESS_NAME = "embedded Kafka broker";
  static final String SERVER_PROPERTIES_FILE_NAME = "server.properties";
  static final String KAFKA_LOG_DIR_NAME = "kafka-logs";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final int LOG_TAIL_LINES = 60;
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final Path dataDir;
  private final boolean temporaryDataDir;
  private final int port;
  private final int controllerPort;
  private final int nodeId;
  private final Map<String, String> brokerConfig;
  private final List<String> jvmArgs;
  private final Duration startupTimeout;
  private final Duration stopTimeout;
  private final boolean gracefulShutdownOnJvmExit;
  private final String newClusterId;
  private final BrokerSecurity security;
  private final Thread reaper;

  /** Read without the lock by the reaper, which must not block on a thread that called exit. */
  private volatile ChildJvm process;

  private boolean reaperRegistered;
  private boolean closed;
  private long launchedAtNanos;

  private EmbeddedKafkaBroker(Builder b, Path dataDir, boolean temporaryDataDir) {
    this.dataDir = dataDir;
    this.temporaryDataDir = temporaryDataDir;
    int[] free = FreePorts.loopback(2);
    this.port = b.port != 0 ? b.port : free[0];
    this.nodeId = b.nodeId;
    List<Integer> controllerPorts =
        b.controllerPorts.isEmpty()
            ? List.of(b.controllerPort != 0 ? b.controllerPort : free[1])
            : b.controllerPorts;
    this.controllerPort = controllerPorts.get(nodeId - 1);
    this.security = b.security;
    // The secure profile replaces the PLAINTEXT listeners; the builder's own properties still win.
    Map<String, String> overrides = new LinkedHashMap<>();
    if (security != null) {
      overrides.putAll(security.brokerProperties(HOST, port, controllerPort, dataDir));
    }
    overrides.putAll(b.brokerProperties);
    this.brokerConfig =
        BrokerConfig.properties(
            nodeId, controllerPorts, HOST, port, dataDir.resolve(KAFKA_LOG_DIR_NAME), overrides);
    this.newClusterId = b.clusterId != null ? b.clusterId : Uuid.randomUuid().toString();
    List<String> args = new ArrayList<>(DEFAULT_JVM_ARGS);
    args.addAll(b.jvmArgs);
    this.jvmArgs = List.copyOf(args);
    this.startupTimeout = b.startupTimeout;
    this.stopTimeout = b.stopTimeout;
    this.gracefulShutdownOnJvmExit = b.gracefulShutdownOnJvmExit;
    this.reaper = new Thread(this::reapOnJvmExit, "embedded-kafka-cleanup-" + port);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the child JVM and returns once the broker answers a {@code describeCluster} on its
   * client listener.
   *
   * @throws IllegalStateException when the broker does not come up within the startup timeout or
   *     its JVM exits; the message carries the tail of {@link #logFile()}
   */
  public synchronized EmbeddedKafkaBroker start() {
    launchChild();
    return awaitStarted();
  }

  /**
   * The first half of {@link #start()}: launches the child JVM and returns at once. The nodes of a
   * cluster are all launched before any is awaited, since none is ready before a quorum runs.
   */
  synchronized void launchChild() {
    if (closed) {
      throw new IllegalStateException("broker was closed");
    }
    if (isRunning()) {
      throw new IllegalStateException("broker already running at " + bootstrapServers());
    }
    launchedAtNanos = System.nanoTime();
    ChildJvm child = launch();
    process = child;
    registerReaper();
    LOG.info(
        "Starting Kafka broker {} (pid {}) on {} with data dir {}, log {}",
        nodeId,
        child.pid(),
        bootstrapServers(),
        dataDir,
        logFile());
  }

  /**
   * The second half of {@link #start()}: waits until the launched child answers, killing it if it
   * does not within the startup timeout (counted from its launch).
   */
  synchronized EmbeddedKafkaBroker awaitStarted() {
    ChildJvm child = process;
    if (child == null) {
      throw new IllegalStateException("broker " + nodeId + " was not launched");
    }
    try {
      awaitReady(child, launchedAtNanos);
    } catch (RuntimeException e) {
      child.kill();
      process = null;
      throw e;
    }
    LOG.info(
        "Kafka broker {} ready on {} after {} ms (pid {})",
        nodeId,
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedAtNanos),
        child.pid());
    return this;
  }

  /** Graceful stop: SIGTERM, so Kafka flushes and closes its logs; kill -9 after the timeout. */
  public synchronized void stop() {
    ChildJvm child = process;
    process = null;
    if (child == null) {
      return;
    }
    if (child.isAlive()) {
      LOG.info("Stopping Kafka broker (pid {}) on {}", child.pid(), bootstrapServers());
    }
    child.stop(stopTimeout);
  }

  /**
   * Kill -9: no flush, no controlled shutdown, like a crashed machine process. The data already
   * written to the OS survives, which is what a restart then shows.
   */
  public synchronized void kill() {
    ChildJvm child = process;
    process = null;
    if (child != null) {
      child.kill();
    }
  }

  /**
   * Stops the broker if it runs (gracefully), then starts it again on the same ports and data dir.
   * After {@link #kill()} this is the recovery from a crash.
   */
  public synchronized EmbeddedKafkaBroker restart() {
    stop();
    return start();
  }

  /** Stops the broker and deletes the data dir if it is a temporary one. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop();
    if (reaperRegistered) {
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException jvmShuttingDown) {
        // The hook is running or about to; it finds the process gone and does nothing.
      }
    }
    if (temporaryDataDir) {
      deleteDataDir();
    }
  }

  public boolean isRunning() {
    ChildJvm child = process;
    return child != null && child.isAlive();
  }

  /** {@code 127.0.0.1:<port>}, the same across restarts. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public int controllerPort() {
    return controllerPort;
  }

  /** {@code node.id}: 1 for a single broker, 1..N in a cluster of N. */
  public int nodeId() {
    return nodeId;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The child JVM's stdout and stderr, appended across restarts. */
  public Path logFile() {
    return dataDir.resolve(LOG_FILE_NAME);
  }

  /** The broker properties the child runs with: defaults plus the builder's overrides. */
  public Map<String, String> brokerConfig() {
    return brokerConfig;
  }

  /** The secure profile this broker runs with, if it was given one ({@link Builder#security}). */
  public Optional<BrokerSecurity> security() {
    return Optional.ofNullable(security);
  }

  /**
   * What a client needs to connect as {@code user}: {@code bootstrap.servers}, and with a {@link
   * #security()} profile its SASL_SSL settings; without one, {@code user} is ignored (PLAINTEXT).
   */
  public Map<String, String> clientProperties(String user) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    if (security != null) {
      p.putAll(security.clientProperties(user));
    }
    return p;
  }

  /** The child's pid while it runs. */
  public OptionalLong pid() {
    ChildJvm child = process;
    return child != null && child.isAlive() ? OptionalLong.of(child.pid()) : OptionalLong.empty();
  }

  /** Blocks until the running child exits; its exit code, or -1 when none runs. */
  int awaitExit() throws InterruptedException {
    ChildJvm child = process;
    return child == null ? -1 : child.waitFor();
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaBroker[" + bootstrapServers() + ", dataDir=" + dataDir + "]";
  }

  private ChildJvm launch() {
    Path logbackConfig = dataDir.resolve("broker-logback.xml");
    Path log4j2Config = dataDir.resolve("broker-log4j2.properties");
    Path serverProperties = dataDir.resolve(SERVER_PROPERTIES_FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      BrokerConfig.write(brokerConfig, serverProperties);
      ChildLogging.writeLogbackConfig(logbackConfig);
      ChildLogging.writeLog4j2Config(log4j2Config);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare broker data dir " + dataDir, e);
    }
    List<String> args = new ArrayList<>(List.of(serverProperties.toString(), clusterIdForFormat()));
    if (security != null) {
      args.add(security.prepareFiles().toString());
    }
    List<String> options = new ArrayList<>(jvmArgs);
    // Explicit configs, so a logback-test.xml or log4j2-test on the shared classpath (meant for
    // the tests) does not decide what the broker logs.
    options.add("-Dlogback.configurationFile=" + logbackConfig);
    options.add("-Dlog4j2.configurationFile=" + log4j2Config);
    return ChildJvm.builder(PROCESS_NAME, BrokerProcessMain.class.getName())
        .jvmOptions(options)
        .args(args)
        .logFile(logFile())
        .workingDirectory(dataDir)
        .graceOnJvmExit(gracefulShutdownOnJvmExit ? stopTimeout : Duration.ZERO)
        .start();
  }

  /**
   * A formatted data dir keeps its cluster id: format --ignore-formatted still checks the id it is
   * given and fails with "Invalid cluster.id" when it differs.
   */
  String clusterIdForFormat() {
    return formattedClusterId().orElse(newClusterId);
  }

  private Optional<String> formattedClusterId() {
    String logDirs = brokerConfig.get("log.dirs");
    String metadataDir =
        brokerConfig.getOrDefault("metadata.log.dir", logDirs.split(",")[0].trim());
    return BrokerConfig.formattedClusterId(Path.of(metadataDir));
  }

  private void awaitReady(ChildJvm child, long startNanos) {
    long deadline = startNanos + startupTimeout.toNanos();
    // First a plain TCP connect: an admin client pointed at a closed port logs a warning per
    // attempt, which would bury the test output.
    while (!acceptsConnections()) {
      checkAlive(child);
      checkDeadline(deadline, null);
      sleep(POLL_INTERVAL);
    }
    Properties props = new Properties();
    props.putAll(clientProperties(BrokerSecurity.ADMIN_USER));
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-readiness-" + port);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
    try (Admin admin = Admin.create(props)) {
      Exception last = null;
      while (true) {
        checkAlive(child);
        checkDeadline(deadline, last);
        try {
          Collection<Node> nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
          sleep(POLL_INTERVAL);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
      }
    }
  }

  private boolean acceptsConnections() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void checkAlive(ChildJvm child) {
    if (!child.isAlive()) {
      throw new IllegalStateException(
          "Kafka broker JVM (pid "
              + child.pid()
              + ") exited with code "
              + child.exitValue()
              + " before it was ready; last lines of "
              + logFile()
              + ":\n"
              + ChildJvm.tail(logFile(), LOG_TAIL_LINES));
    }
  }

  private void checkDeadline(long deadlineNanos, Exception last) {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new IllegalStateException(
          "Kafka broker on "
              + bootstrapServers()
              + " not ready within "
              + startupTimeout
              + (last == null ? "" : " (last error: " + last + ")")
              + "; last lines of "
              + logFile()
              + ":\n"
              + ChildJvm.tail(logFile(), LOG_TAIL_LINES),
          last);
    }
  }

  private void registerReaper() {
    if (!reaperRegistered) {
      Runtime.getRuntime().addShutdownHook(reaper);
      reaperRegistered = true;
    }
  }

  /**
   * Shutdown hook: the child's own hook stops it too, but the temporary data dir can only go once
   * the broker no longer writes to it, so this one stops it first.
   */
  private void reapOnJvmExit() {
    ChildJvm child = process;
    if (child != null) {
      child.stop(gracefulShutdownOnJvmExit ? stopTimeout : Duration.ZERO);
    }
    if (temporaryDataDir && (child == null || !child.isAlive())) {
      try {
        deleteDataDir();
      } catch (UncheckedIOException e) {
        // Too late to report anywhere useful; a leftover temp dir is harmless.
      }
    }
  }

  private void deleteDataDir() {
    deleteDirectory(dataDir);
  }

  /**
   * Deletes {@code dir} and everything in it, if it is there. close() and the JVM-exit hook may
   * race to delete the same dir: a file that vanished meanwhile is fine.
   */
  static void deleteDirectory(Path dir) {
    try {
      if (Files.exists(dir)) {
        PathUtils.deleteDirectory(dir);
      }
    } catch (NoSuchFileException gone) {
      // Deleted by someone else meanwhile: the goal is reached.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }

  /** Options of an {@link EmbeddedKafkaBroker}; every one has a working default. */
  public static final class Builder extends NodeOptions<Builder> {
    private int port;
    private int controllerPort;
    private int nodeId = BrokerConfig.NODE_ID;
    private List<Integer> controllerPorts = List.of();
    private String clusterId;
    private BrokerSecurity security;

    private Builder() {
      super(Duration.ofSeconds(90));
    }

    @Override
    Builder self() {
      return this;
    }

    /** Client (PLAINTEXT) port; 0, the default, picks a free one. */
    public Builder port(int port) {
      this.port = checkPort(port);
      return this;
    }

    /** KRaft controller port; 0, the default, picks a free one. */
    public Builder controllerPort(int port) {
      this.controllerPort = checkPort(port);
      return this;
    }

    /**
     * Runs the broker with {@code security}: SASL_SSL (SCRAM-SHA-512) clients, mutual TLS on the
     * controller listener, the standard authorizer with no right but the super users' until ACLs
     * grant one (see {@link BrokerSecurity}). A single broker only: a profile serves one broker.
     */
    public Builder security(BrokerSecurity security) {
      this.security = Objects.requireNonNull(security, "security");
      return this;
    }

    /**
     * Node {@code nodeId} (1-based) of a cluster whose node {@code i} has controller port {@code
     * controllerPorts.get(i - 1)}, all of them fixed: {@link EmbeddedKafkaCluster} sets this.
     */
    Builder clusterNode(int nodeId, List<Integer> controllerPorts, String clusterId) {
      if (nodeId < 1 || nodeId > controllerPorts.size()) {
        throw new IllegalArgumentException(
            "node id " + nodeId + " outside 1.." + controllerPorts.size());
      }
      this.nodeId = nodeId;
      this.controllerPorts = List.copyOf(controllerPorts);
      this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
      return this;
    }

    public EmbeddedKafkaBroker build() {
      if (port != 0 && port == controllerPort) {
        throw new IllegalArgumentException("port and controller port must differ: " + port);
      }
      if (dataDir != null) {
        return new EmbeddedKafkaBroker(this, dataDir.toAbsolutePath(), false);
      }
      try {
        return new EmbeddedKafkaBroker(this, Files.createTempDirectory("embedded-kafka-"), true);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary data dir", e);
      }
    }

    /** {@link #build()} and {@link EmbeddedKafkaBroker#start()}, closing it if start fails. */
    public EmbeddedKafkaBroker start() {
      EmbeddedKafkaBroker broker = build();
      try {
        return broker.start();
      } catch (RuntimeException e) {
        broker.close();
        throw e;
      }
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("not a port: " + port);
      }
      return port;
    }
  }
}
