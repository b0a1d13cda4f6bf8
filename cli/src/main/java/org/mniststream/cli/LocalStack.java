package org.mniststream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.clients.CommonClientConfigs;
import org.mniststream.kafka.BrokerSecurity;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.kafka.EmbeddedKafkaBroker;
import org.mniststream.kafka.EmbeddedKafkaCluster;
import org.mniststream.kafka.StreamAppLauncher;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.AclPlan;
import org.mniststream.topics.AclPlan.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of a demo, benchmark or chaos run: an embedded cluster of one or more KRaft nodes
 * (or an existing cluster named by bootstrap servers), every topic created, and stream-app
 * instances started as child JVMs.
 *
 * <p>{@link #startSecure} runs one embedded broker in its secure profile instead (SASL_SSL, SCRAM,
 * the standard authorizer; see {@link BrokerSecurity}), with a credential per {@link Role}: each
 * component then connects with its own principal ({@link #clientProps(Role)}, {@link
 * #clientConfigFile(Role)}), and {@link #applyAcls} grants what the {@link AclPlan} says.
 */
final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  private final EmbeddedKafkaCluster cluster; // null against an existing cluster
  private final EmbeddedKafkaBroker secureBroker; // null unless startSecure
  private final String bootstrapServers;
  private final Path workDir;
  private final TopicNames topics = TopicNames.DEFAULTS;
  private final List<ChildJvm> apps = new ArrayList<>();

  private LocalStack(
      EmbeddedKafkaCluster cluster,
      EmbeddedKafkaBroker secureBroker,
      String bootstrapServers,
      Path workDir) {
    this.cluster = cluster;
    this.secureBroker = secureBroker;
    this.bootstrapServers = bootstrapServers;
    this.workDir = workDir;
  }

  /**
   * JVM options of the stream app in the runs: a fixed, pre-touched heap, several times the live
   * set measured under load (docs/BENCHMARKS.md). Fixed and pre-touched, the heap cannot grow under
   * load, so RSS is flat from the start and any growth left is native memory (what a leak check
   * must see); with G1's default sizing the committed heap's growth read as an RSS "leak"
   * (docs/RELIABILITY.md).
   */
  static final List<String> APP_JVM_OPTIONS =
      List.of("-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch");

  /**
   * A scratch directory for a run (broker data, app state and logs), deleted with everything in it
   * when the JVM exits, unless the environment variable {@code MNIST_KEEP_WORK} is set: then it is
   * kept for a post-mortem and its path is printed.
   */
  static Path scratchDirectory(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    if (System.getenv("MNIST_KEEP_WORK") != null) {
      System.out.println("work directory (kept): " + dir);
    } else {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(() -> deleteTree(dir), "scratch-cleanup-" + dir.getFileName()));
    }
    return dir;
  }

  private static void deleteTree(Path dir) {
    try {
      PathUtils.deleteDirectory(dir);
    } catch (IOException | RuntimeException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
  }

  /** Starts an embedded broker unless {@code bootstrapServers} names an existing cluster. */
  static LocalStack start(String bootstrapServers, Path workDir, int partitions)
      throws InterruptedException {
    return start(bootstrapServers, workDir, partitions, 1);
  }

  /**
   * Starts an embedded cluster of {@code brokers} nodes unless {@code bootstrapServers} names an
   * existing cluster; the topics get the replication the cluster's size allows.
   */
  static LocalStack start(String bootstrapServers, Path workDir, int partitions, int brokers)
      throws InterruptedException {
    EmbeddedKafkaCluster cluster = null;
    String servers = bootstrapServers;
    if (servers == null || servers.isBlank()) {
      cluster =
          EmbeddedKafkaCluster.builder().nodes(brokers).dataDir(workDir.resolve("kafka")).start();
      servers = cluster.bootstrapServers();
      log.info(
          "embedded Kafka cluster of {} node(s) at {} (logs under {})",
          brokers,
          servers,
          cluster.dataDir());
    }
    LocalStack stack = new LocalStack(cluster, null, servers, workDir);
    TopicSetup.createAll(stack.clientProps(), stack.topics, partitions);
    return stack;
  }

  /**
   * Starts one embedded broker in its secure profile, with a SCRAM credential per {@link Role}, and
   * creates every topic as the admin. No right is granted yet: see {@link #applyAcls}.
   */
  static LocalStack startSecure(Path workDir, int partitions) {
    BrokerSecurity security =
        BrokerSecurity.scramOverTls(Arrays.stream(Role.values()).map(Role::userName).toList());
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().security(security).dataDir(workDir.resolve("kafka")).start();
    log.info(
        "secure embedded Kafka broker at {} (SASL_SSL, SCRAM-SHA-512; logs under {})",
        broker.bootstrapServers(),
        broker.dataDir());
    LocalStack stack = new LocalStack(null, broker, broker.bootstrapServers(), workDir);
    try {
      TopicSetup.createAll(stack.clientProps(), stack.topics, partitions);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return stack;
  }

  /** Whether this stack runs the secure broker ({@link #startSecure}). */
  boolean secure() {
    return secureBroker != null;
  }

  /**
   * Grants the {@link AclPlan} of this stack's topics and a stream app of {@code applicationId} on
   * the secure broker; nothing to do on another.
   */
  void applyAcls(String applicationId, boolean judgeInStreamApp) {
    if (!secure()) {
      return;
    }
    AclPlan plan = AclPlan.of(topics, applicationId, judgeInStreamApp, Map.of());
    try {
      SecurityCommand.apply(clientProps(), plan, 30);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create the ACLs: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the ACLs", e);
    }
  }

  /**
   * The client properties of {@code role}'s principal on the secure broker; on another, the plain
   * {@link #clientProps()}.
   */
  Properties clientProps(Role role) {
    if (!secure()) {
      return clientProps();
    }
    Properties props = new Properties();
    props.putAll(secureBroker.clientProperties(role.userName()));
    return props;
  }

  /**
   * {@link #clientProps(Role)} in a file readable by its owner only, for a {@code --config} or
   * {@code --kafka-config}: the JAAS line stays off command lines.
   */
  Path clientConfigFile(Role role) {
    Path file = workDir.resolve("security").resolve(role.userName() + ".properties");
    try {
      Files.createDirectories(file.getParent());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        clientProps(role).store(w, "principal " + role.userName());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  boolean embedded() {
    return cluster != null || secureBroker != null;
  }

  TopicNames topics() {
    return topics;
  }

  /** The client properties of the cluster; on the secure broker, the admin's. */
  Properties clientProps() {
    Properties props = new Properties();
    if (secure()) {
      props.putAll(secureBroker.clientProperties(BrokerSecurity.ADMIN_USER));
      return props;
    }
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  /**
   * Starts a stream-app instance as a child JVM; {@code settings} are extra key=value pairs. On the
   * secure broker it connects as the stream app's principal.
   */
  ChildJvm startApp(String name, int httpPort, List<String> settings, List<String> jvmOptions) {
    ChildJvm app;
    if (secure()) {
      List<String> all = new ArrayList<>();
      all.add("http.port=" + httpPort);
      all.add("state.dir=" + workDir.resolve("streams-state-" + name));
      all.addAll(settings);
      app =
          StreamAppLauncher.launch(
              name,
              clientConfigFile(Role.STREAM_APP),
              all,
              jvmOptions,
              workDir.resolve(name + ".log"));
    } else {
      app = launchApp(name, bootstrapServers, workDir, httpPort, settings, jvmOptions);
    }
    apps.add(app);
    return app;
  }

  /**
   * Starts {@code stream-app run} as a child JVM on {@code bootstrapServers}, with its state and
   * its log ({@code <name>.log}) in {@code workDir}; {@code settings} are extra key=value pairs.
   * The caller owns the returned child.
   */
  static ChildJvm launchApp(
      String name,
      String bootstrapServers,
      Path workDir,
      int httpPort,
      List<String> settings,
      List<String> jvmOptions) {
    List<String> all = new ArrayList<>();
    all.add("bootstrap.servers=" + bootstrapServers);
    all.add("http.port=" + httpPort);
    all.add("state.dir=" + workDir.resolve("streams-state-" + name));
    all.addAll(settings);
    return StreamAppLauncher.launch(name, all, jvmOptions, workDir.resolve(name + ".log"));
  }

  /** Waits until the app's {@code /ready} answers 200 (streams running and a model loaded). */
  static void awaitReady(ChildJvm app, int httpPort, Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ready"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!app.isAlive()) {
        throw new IllegalStateException("the stream app exited during start-up; see its log");
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // the HTTP server is not up yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the stream app was not ready within " + timeout);
  }

  /**
   * Restarts embedded node {@code index} (gracefully if it runs) on the same port and data; clients
   * reconnect by themselves.
   */
  void restartBroker(int index) {
    long start = System.nanoTime();
    cluster().restart(index);
    log.info(
        "embedded broker {} restarted in {} ms", index, (System.nanoTime() - start) / 1_000_000);
  }

  /** The embedded cluster, to kill its nodes. */
  EmbeddedKafkaCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("an external cluster cannot be restarted from here");
    }
    return cluster;
  }

  @Override
  public void close() {
    for (ChildJvm app : apps) {
      app.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (secureBroker != null) {
      secureBroker.close();
    }
  }
}
