package org.mniststream.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.utils.AppInfoParser;
import org.mniststream.kafka.BrokerConfig;
import org.mniststream.kafka.EmbeddedKafkaBroker;
import org.mniststream.kafka.EmbeddedKafkaCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one Kafka fixture of every {@code *IT} test: a real single-node broker, wherever the tests
 * run.
 *
 * <p>{@link #start()} picks, in this order:
 *
 * <ol>
 *   <li>{@value #BOOTSTRAP_VARIABLE} (system property or environment variable) set: that existing
 *       cluster, nothing is started;
 *   <li>{@value #FIXTURE_VARIABLE} set to {@code embedded} or {@code testcontainers}: that one;
 *   <li>a Docker engine answers: Testcontainers with the official {@code apache/kafka} image of the
 *       Kafka version on the classpath;
 *   <li>otherwise the {@link EmbeddedKafkaBroker} (a child JVM; no Docker needed).
 * </ol>
 *
 * <p>{@link #kill()} and {@link #restart()} need the embedded kind; check {@link
 * #supportsRestart()} first.
 *
 * <p>{@link #startCluster(int)} starts an {@link EmbeddedKafkaCluster} of N nodes instead (or uses
 * the external cluster), for the tests of broker failures on a replicated cluster; its nodes are
 * killed and restarted through {@link #embeddedCluster()}.
 */
public final class KafkaFixture implements AutoCloseable {

  /** Use this existing cluster instead of starting one. */
  public static final String BOOTSTRAP_VARIABLE = "MNIST_KAFKA_BOOTSTRAP";

  /** Force a kind: {@code embedded} or {@code testcontainers}. */
  public static final String FIXTURE_VARIABLE = "MNIST_KAFKA_FIXTURE";

  public static final String KIND_EMBEDDED = "embedded";
  public static final String KIND_TESTCONTAINERS = "testcontainers";
  public static final String KIND_EXTERNAL = "external";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaFixture.class);
  private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);
  private static final Object SHARED_LOCK = new Object();
  private static KafkaFixture shared;

  private final String kind;
  private final String bootstrapServers;
  private final EmbeddedKafkaBroker embedded;
  private final EmbeddedKafkaCluster cluster;
  private final KafkaContainer container;
  private final boolean closeable;

  private KafkaFixture(
      String kind,
      String bootstrapServers,
      EmbeddedKafkaBroker embedded,
      KafkaContainer container,
      boolean closeable) {
    this(kind, bootstrapServers, embedded, null, container, closeable);
  }

  private KafkaFixture(
      String kind,
      String bootstrapServers,
      EmbeddedKafkaBroker embedded,
      EmbeddedKafkaCluster cluster,
      KafkaContainer container,
      boolean closeable) {
    this.kind = kind;
    this.bootstrapServers = bootstrapServers;
    this.embedded = embedded;
    this.cluster = cluster;
    this.container = container;
    this.closeable = closeable;
  }

  /** A fresh broker (or the external cluster), chosen as the class comment says. */
  public static KafkaFixture start() {
    return start(Map.of());
  }

  /**
   * Like {@link #start()}, with broker properties on top of the single-node defaults (ignored, with
   * a warning, for an external cluster).
   */
  public static KafkaFixture start(Map<String, String> brokerProperties) {
    return start(brokerProperties, KafkaFixture::lookup, true);
  }

  /**
   * A fresh cluster of {@code nodes} embedded KRaft nodes, each in its own child JVM, with
   * replication set by the cluster's size (three replicas and {@code min.insync.replicas=2} on
   * three nodes); or, when {@value #BOOTSTRAP_VARIABLE} is set, that existing cluster. Embedded
   * even where Docker runs: a failover test must kill and restart single nodes on their ports,
   * which a container cluster does not allow.
   */
  public static KafkaFixture startCluster(int nodes) {
    return startCluster(nodes, KafkaFixture::lookup);
  }

  static KafkaFixture startCluster(int nodes, Function<String, Optional<String>> settings) {
    Optional<String> external = setting(settings, BOOTSTRAP_VARIABLE);
    if (external.isPresent()) {
      LOG.info(
          "Kafka fixture: external cluster {} ({} is set), starting no {}-node cluster",
          external.get(),
          BOOTSTRAP_VARIABLE,
          nodes);
      return new KafkaFixture(KIND_EXTERNAL, external.get(), null, null, true);
    }
    LOG.info("Kafka fixture: embedded cluster of {} nodes in child JVMs", nodes);
    EmbeddedKafkaCluster started = EmbeddedKafkaCluster.builder().nodes(nodes).start();
    return new KafkaFixture(KIND_EMBEDDED, started.bootstrapServers(), null, started, null, true);
  }

  /**
   * One fixture for the whole JVM, started on first use and stopped when the JVM exits; {@link
   * #close()} on it does nothing. Saves a broker start per test class: use it for tests that only
   * need topics. A test that kills or restarts the broker should {@link #start()} its own.
   */
  public static KafkaFixture shared() {
    synchronized (SHARED_LOCK) {
      if (shared == null) {
        KafkaFixture fixture = start(Map.of(), KafkaFixture::lookup, false);
        Runtime.getRuntime()
            .addShutdownHook(new Thread(fixture::closeQuietly, "kafka-fixture-shared-shutdown"));
        shared = fixture;
      }
      return shared;
    }
  }

  /**
   * Whether a fixture {@link #start()} would start now {@link #supportsRestart()}s, decided without
   * starting one: a test that needs restarts assumes this before it spends a broker start.
   */
  public static boolean startsRestartable() {
    return startsRestartable(KafkaFixture::lookup);
  }

  static boolean startsRestartable(Function<String, Optional<String>> settings) {
    return setting(settings, BOOTSTRAP_VARIABLE).isEmpty()
        && KIND_EMBEDDED.equals(chooseKind(setting(settings, FIXTURE_VARIABLE)));
  }

  static KafkaFixture start(
      Map<String, String> brokerProperties,
      Function<String, Optional<String>> settings,
      boolean closeable) {
    Optional<String> external = setting(settings, BOOTSTRAP_VARIABLE);
    if (external.isPresent()) {
      LOG.info(
          "Kafka fixture: external cluster {} ({} is set), starting nothing",
          external.get(),
          BOOTSTRAP_VARIABLE);
      if (!brokerProperties.isEmpty()) {
        LOG.warn("Broker properties {} ignored for an external cluster", brokerProperties.keySet());
      }
      return new KafkaFixture(KIND_EXTERNAL, external.get(), null, null, closeable);
    }
    String kind = chooseKind(setting(settings, FIXTURE_VARIABLE));
    if (KIND_TESTCONTAINERS.equals(kind)) {
      KafkaContainer container = startContainer(brokerProperties);
      return new KafkaFixture(
          KIND_TESTCONTAINERS, container.getBootstrapServers(), null, container, closeable);
    }
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().brokerProperties(brokerProperties).start();
    return new KafkaFixture(KIND_EMBEDDED, broker.bootstrapServers(), broker, null, closeable);
  }

  private static String chooseKind(Optional<String> forced) {
    if (forced.isPresent()) {
      String kind = forced.get().trim().toLowerCase(Locale.ROOT);
      if (!kind.equals(KIND_EMBEDDED) && !kind.equals(KIND_TESTCONTAINERS)) {
        throw new IllegalArgumentException(
            FIXTURE_VARIABLE
                + " must be "
                + KIND_EMBEDDED
                + " or "
                + KIND_TESTCONTAINERS
                + ", got: "
                + forced.get());
      }
      LOG.info("Kafka fixture: {} ({}={})", kind, FIXTURE_VARIABLE, forced.get());
      return kind;
    }
    if (DockerClientFactory.instance().isDockerAvailable()) {
      LOG.info("Kafka fixture: testcontainers (a Docker engine answers)");
      return KIND_TESTCONTAINERS;
    }
    LOG.info(
        "Kafka fixture: embedded broker in a child JVM (no Docker engine answers; set {} to use"
            + " an existing cluster)",
        BOOTSTRAP_VARIABLE);
    return KIND_EMBEDDED;
  }

  /** The official Apache image of exactly the Kafka version the clients on the classpath are. */
  static String imageName() {
    return "apache/kafka:" + AppInfoParser.getVersion();
  }

  private static KafkaContainer startContainer(Map<String, String> brokerProperties) {
    KafkaContainer container = new KafkaContainer(DockerImageName.parse(imageName()));
    // The same single-node settings as the embedded broker, so a test behaves alike on both.
    Map<String, String> props = new HashMap<>(containerDefaults());
    props.putAll(brokerProperties);
    props.forEach((name, value) -> container.withEnv(environmentName(name), value));
    LOG.info("Starting Kafka container {}", imageName());
    long start = System.nanoTime();
    container.start();
    LOG.info(
        "Kafka container ready on {} after {} ms",
        container.getBootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    return container;
  }

  /**
   * The embedded broker's single-node defaults, minus what Testcontainers must own (listeners,
   * roles, ids, quorum, log dir).
   */
  static Map<String, String> containerDefaults() {
    Map<String, String> props =
        new HashMap<>(
            BrokerConfig.properties("localhost", 9092, 9093, Path.of("/unused"), Map.of()));
    List.of(
            "process.roles",
            "node.id",
            "controller.quorum.voters",
            "listeners",
            "advertised.listeners",
            "listener.security.protocol.map",
            "controller.listener.names",
            "inter.broker.listener.name",
            "log.dirs")
        .forEach(props::remove);
    return props;
  }

  /**
   * The apache/kafka image turns {@code KAFKA_*} variables into properties: {@code _} is {@code .},
   * {@code __} is {@code _}, {@code ___} is {@code -}.
   */
  static String environmentName(String property) {
    StringBuilder sb = new StringBuilder("KAFKA_");
    for (char c : property.toCharArray()) {
      switch (c) {
        case '.' -> sb.append('_');
        case '_' -> sb.append("__");
        case '-' -> sb.append("___");
        default -> sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString();
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** {@value #KIND_EMBEDDED}, {@value #KIND_TESTCONTAINERS} or {@value #KIND_EXTERNAL}. */
  public String kind() {
    return kind;
  }

  /**
   * Whether {@link #kill()}, {@link #stop()} and {@link #restart()} work on this fixture: on a
   * single embedded broker; a cluster's nodes go through {@link #embeddedCluster()}.
   */
  public boolean supportsRestart() {
    return embedded != null;
  }

  /** The embedded broker, when that is the kind. */
  public Optional<EmbeddedKafkaBroker> embeddedBroker() {
    return Optional.ofNullable(embedded);
  }

  /** The embedded cluster, when {@link #startCluster} started one. */
  public Optional<EmbeddedKafkaCluster> embeddedCluster() {
    return Optional.ofNullable(cluster);
  }

  /** {@code bootstrap.servers} only, as a start for client properties. */
  public Map<String, Object> clientProperties() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /** Creates one topic with the broker's default replication factor and waits for its leaders. */
  public void createTopic(String name, int partitions, Map<String, String> config) {
    createTopics(
        List.of(new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(config)));
  }

  /**
   * Creates the topics and waits until every partition has a leader, so a producer started right
   * after does not begin with metadata retries. Fails if a topic exists already.
   */
  public void createTopics(Collection<NewTopic> topics) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-fixture-admin");
    List<String> names = topics.stream().map(NewTopic::name).toList();
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(topics).all().get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
      while (!allPartitionsLed(admin, names)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "topics " + names + " have partitions without leader after " + TOPIC_READY_TIMEOUT);
        }
        Thread.sleep(50);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics " + names, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating topics " + names + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + names, e);
    }
    LOG.debug("Created topics {} on {}", names, bootstrapServers);
  }

  private static boolean allPartitionsLed(Admin admin, List<String> names)
      throws InterruptedException {
    try {
      Map<String, TopicDescription> descriptions =
          admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS);
      return descriptions.values().stream()
          .flatMap(d -> d.partitions().stream())
          .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (ExecutionException | TimeoutException e) {
      // Metadata not propagated yet (UnknownTopicOrPartition): poll again.
      return false;
    }
  }

  /** Kill -9 of the embedded broker. */
  public void kill() {
    requireEmbedded("kill").kill();
  }

  /** Graceful stop of the embedded broker; {@link #restart()} brings it back. */
  public void stop() {
    requireEmbedded("stop").stop();
  }

  /** Restarts the embedded broker on the same port and data, after a kill, a stop, or running. */
  public void restart() {
    requireEmbedded("restart").restart();
  }

  private EmbeddedKafkaBroker requireEmbedded(String operation) {
    if (embedded == null) {
      if (cluster != null) {
        throw new UnsupportedOperationException(
            operation + " of which node? Use embeddedCluster()." + operation + "(index)");
      }
      throw new UnsupportedOperationException(
          operation
              + " needs the embedded broker, this fixture is "
              + kind
              + (KIND_TESTCONTAINERS.equals(kind)
                  ? " (a restarted container gets a new host port, so clients could not reconnect)"
                  : "")
              + "; set "
              + FIXTURE_VARIABLE
              + "="
              + KIND_EMBEDDED
              + " or skip the test unless supportsRestart()");
    }
    return embedded;
  }

  /** Stops what this fixture started; nothing for an external cluster or the shared fixture. */
  @Override
  public void close() {
    if (closeable) {
      closeNow();
    }
  }

  private void closeNow() {
    if (embedded != null) {
      embedded.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (container != null) {
      container.stop();
    }
  }

  /** For the JVM-exit hook: nobody is left to handle an exception there. */
  private void closeQuietly() {
    try {
      closeNow();
    } catch (RuntimeException e) {
      LOG.warn("Closing the shared Kafka fixture at JVM exit failed", e);
    }
  }

  @Override
  public String toString() {
    return "KafkaFixture[" + kind + ", " + bootstrapServers + "]";
  }

  private static Optional<String> setting(
      Function<String, Optional<String>> settings, String name) {
    return settings.apply(name).map(String::trim).filter(v -> !v.isEmpty());
  }

  /** The system property wins over the environment variable, so one test run can override. */
  private static Optional<String> lookup(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      value = System.getenv(name);
    }
    return Optional.ofNullable(value);
  }
}
