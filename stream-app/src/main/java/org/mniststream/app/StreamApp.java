package org.mniststream.app;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.mniststream.app.config.AppSettings;
import org.mniststream.app.config.ClientConfigs;
import org.mniststream.app.config.StreamsConfigFactory;
import org.mniststream.app.config.WarmUpSettings;
import org.mniststream.app.judge.JudgeApp;
import org.mniststream.app.models.ModelBootstrap;
import org.mniststream.app.models.ModelRegistry;
import org.mniststream.app.models.ModelsTopicLookup;
import org.mniststream.app.ops.AppMetrics;
import org.mniststream.app.ops.AppStats;
import org.mniststream.app.ops.HeartbeatPublisher;
import org.mniststream.app.ops.HttpEndpoints;
import org.mniststream.app.ops.ProcessMetrics;
import org.mniststream.app.quality.QualityApp;
import org.mniststream.app.quality.QualitySettings;
import org.mniststream.app.topology.ClassifierTopology;
import org.mniststream.app.topology.StreamTopics;
import org.mniststream.model.EngineTuning;
import org.mniststream.model.ModelSigning;
import org.mniststream.model.ModelVerifier;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.SchemaRegistryException;
import org.mniststream.schemas.framing.SchemaRegistryUnavailableException;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running classifier: the HTTP endpoint, the model registry, the startup bootstrap and the
 * Kafka Streams instance, started in that order and closed in reverse.
 *
 * <p>{@link #start()} returns once Kafka Streams is started, which is after a model can serve:
 * until then {@code /ready} answers 503 and no image is consumed.
 */
public final class StreamApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamApp.class);

  private final Properties config;
  private final AppSettings settings;
  private final WarmUpSettings warmUp;
  private final TopicNames topicNames;
  private final ValueCodecs codecs;
  private final StreamTopics topics;
  private final Clock clock = Clock.systemUTC();
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AppMetrics metrics = new AppMetrics(meters);
  private final ModelRegistry registry;
  private final HttpEndpoints http;
  private final ModelBootstrap bootstrap;
  private final CompletableFuture<Integer> terminated = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile KafkaStreams streams;
  private volatile KafkaStreamsMetrics streamsMetrics;
  private final ProcessMetrics processMetrics = new ProcessMetrics();
  private final Instant startedAt = clock.instant();
  private HeartbeatPublisher heartbeat;
  private SideApp quality;
  private SideApp judge;
  private volatile boolean warmingUp;

  /** Validates the configuration, loads the trusted keys and opens the HTTP endpoint. */
  public StreamApp(Properties config) {
    this.config = config;
    this.settings = AppSettings.from(config);
    this.warmUp = WarmUpSettings.from(config);
    // Before any model loads: libtorch reads its thread settings on a thread's first op. One
    // intra-op thread per calling thread; the parallelism comes from the stream threads.
    EngineTuning.apply();
    processMetrics.bindTo(meters);
    this.topicNames = TopicNames.from(config);
    this.codecs = ValueCodecs.of(ValueFormats.from(config));
    this.topics = StreamTopics.from(topicNames, codecs);
    this.registry =
        ModelRegistry.withBackgroundLoader(
            settings.modelName(),
            new ModelVerifier(trustedKeys(settings.trustedKeys())),
            metrics,
            clock);
    registry.pairedPercent(settings.canaryPairedPercent());
    registry.minVersion(settings.minVersion());
    if (warmUp.warmsModels()) {
      registry.warmUp(
          ModelRegistry.ModelWarmUp.forwardPasses(
              warmUp.modelRounds(), WarmUpSettings.batchSizes(settings.batchSize())));
    }
    registry.retainParameters(
        settings.retainedVersions(),
        new ModelsTopicLookup(
            ClientConfigs.consumer(config, "model-reader"), topics.models().name()));
    this.bootstrap =
        new ModelBootstrap(
            ClientConfigs.consumer(config, "model-bootstrap"),
            topics.models().name(),
            topics.rollouts().name(),
            topics.trustedKeys().name(),
            registry);
    this.http =
        HttpEndpoints.start(
            settings.httpBind(),
            settings.httpPort(),
            this::notReadyReason,
            registry::status,
            meters);
  }

  /**
   * Starts the app and waits for the end: loads config, builds and starts Kafka Streams, installs
   * the shutdown hook {@code mnist-stream-shutdown} (SIGTERM closes gracefully) and waits on a
   * latch released by that hook or by Kafka Streams failing.
   *
   * @return 0 after a graceful shutdown, 1 when the app failed
   */
  public static int runUntilShutdown(Properties config) throws InterruptedException {
    StreamApp app = new StreamApp(config);
    CountDownLatch latch = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              app.close();
              latch.countDown();
            },
            "mnist-stream-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    app.terminated().whenComplete((code, e) -> latch.countDown());
    try {
      app.start();
    } catch (InterruptedException e) {
      LOG.info("Shut down during startup");
      app.close();
      removeHook(hook);
      return 0;
    } catch (StartupException e) {
      // an operator's problem, said in one line; the cause only at debug level
      LOG.error("Cannot start: {}", e.getMessage());
      LOG.debug("Cause", e);
      app.close();
      removeHook(hook);
      return 1;
    } catch (Exception e) {
      LOG.error("Startup failed", e);
      app.close();
      removeHook(hook);
      return 1;
    }
    latch.await();
    int code = app.terminated().getNow(0);
    app.close();
    removeHook(hook);
    return code;
  }

  /**
   * Checks that Kafka answers and that every topic exists (see {@link StartupTopicCheck}),
   * bootstraps the registry (waiting for a servable model), then builds the topology and starts
   * Kafka Streams.
   *
   * @throws StartupException when Kafka does not answer, a topic is missing, or no model serves
   *     within {@code startup.model-timeout-ms}
   */
  public void start() throws Exception {
    StartupTopicCheck.run(config, topicNames, settings);
    registerContracts();
    synchronized (this) {
      if (closed.get()) {
        throw new InterruptedException("closed during startup");
      }
      heartbeat =
          new HeartbeatPublisher(
                  identity(),
                  ClientConfigs.producer(config, "heartbeat"),
                  topicNames.instances(),
                  registry::status,
                  () -> streams,
                  topicNames.images(),
                  () -> AppStats.of(meters),
                  clock)
              .start();
    }
    try {
      bootstrap.run(settings.modelWaitTimeout());
      registry.markLive();
    } catch (TimeoutException e) {
      throw new StartupException(
          e.getMessage() + " (" + AppSettings.STARTUP_MODEL_TIMEOUT_MS + ")", e);
    }
    warmUpHotPath();
    Topology topology = ClassifierTopology.build(topics, registry, clock, settings, metrics);
    LOG.info("Topology:\n{}", topology.describe());
    KafkaStreams ks = new KafkaStreams(topology, StreamsConfigFactory.streamsConfig(config));
    ks.setUncaughtExceptionHandler(
        e -> {
          if (causedByRegistryOutage(e)) {
            // The event is fine, the registry did not answer (after the client's retries): the
            // aborted transaction has it read again by a fresh thread, nothing is dead-lettered.
            LOG.error(
                "Stream thread stopped: {}; replacing it, its events are read again",
                rootMessage(e));
            return StreamThreadExceptionResponse.REPLACE_THREAD;
          }
          // Processing or production failed beyond a single bad record: stop loudly; the EOS
          // transaction was aborted, so a restart resumes from the last committed state.
          LOG.error("Stream thread failed; shutting the app down", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    ks.setStateListener(
        (now, before) -> {
          LOG.info("Kafka Streams {} -> {}", before, now);
          if (now == KafkaStreams.State.ERROR) {
            terminated.complete(1);
          }
        });
    synchronized (this) {
      if (closed.get()) {
        ks.close(Duration.ZERO);
        throw new InterruptedException("closed during startup");
      }
      streams = ks;
      streamsMetrics = new KafkaStreamsMetrics(ks);
      streamsMetrics.bindTo(meters);
      ks.start();
      if (QualitySettings.from(config).enabled()) {
        // in this process so its meters are on this /metrics; its failure stops it, not this app
        quality = QualityApp.create(config, meters);
        quality.start();
      }
      if (JudgeApp.enabled(config)) {
        judge = JudgeApp.create(config, meters);
        judge.start();
      }
    }
  }

  /**
   * Before Kafka Streams starts, so that {@code /ready} means warm: synthetic events through the
   * classifier topology ({@link HotPathWarmUp}). A failure only costs the warm-up.
   */
  private void warmUpHotPath() {
    if (!warmUp.warmsHotPath()) {
      LOG.info(
          "Hot-path warm-up off ({}={}, {}={}, {}={})",
          WarmUpSettings.ENABLED,
          warmUp.enabled(),
          WarmUpSettings.EVENTS,
          warmUp.events(),
          WarmUpSettings.MAX_MS,
          warmUp.maxTime().toMillis());
      return;
    }
    warmingUp = true;
    try {
      HotPathWarmUp.Result r = HotPathWarmUp.run(config, topics, registry, settings, warmUp, clock);
      LOG.info(
          "Hot-path warm-up: {} synthetic events ({} predictions) through the classifier topology"
              + " in {} ms (at most {}={} or {}={})",
          r.events(),
          r.predictions(),
          r.took().toMillis(),
          WarmUpSettings.EVENTS,
          warmUp.events(),
          WarmUpSettings.MAX_MS,
          warmUp.maxTime().toMillis());
    } catch (RuntimeException e) {
      LOG.warn("Hot-path warm-up failed, starting cold: {}", e.toString());
      LOG.debug("Cause", e);
    } finally {
      warmingUp = false;
    }
  }

  /**
   * With {@code value.format=confluent} (any topic): every topic's contract registered under {@code
   * <topic>-value} with BACKWARD compatibility before the first record, so the output serdes have
   * their ids and a registry that refuses a contract stops the start in one line.
   */
  private void registerContracts() throws StartupException {
    if (!codecs.formats().anyConfluent()) {
      return;
    }
    try {
      codecs.registerContracts(topicNames);
    } catch (SchemaRegistryUnavailableException | SchemaRegistryException e) {
      throw new StartupException(e.getMessage() + " (" + ValueFormats.REGISTRY_URL + ")", e);
    }
  }

  static boolean causedByRegistryOutage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && !(t instanceof SchemaRegistryUnavailableException)) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** Who this instance is on the instances topic. */
  private HeartbeatPublisher.Identity identity() {
    String host = settings.advertisedHost().isEmpty() ? reachableHost() : settings.advertisedHost();
    String id =
        settings.instanceId().isEmpty()
            ? localHostName() + "-" + ProcessHandle.current().pid()
            : settings.instanceId();
    return new HeartbeatPublisher.Identity(
        id,
        config.getProperty(
            StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfigFactory.DEFAULT_APPLICATION_ID),
        settings.modelName(),
        "http://" + host + ":" + http.port(),
        startedAt,
        settings.heartbeatInterval());
  }

  /**
   * The host others reach the endpoint by when none is configured: the host name when it listens on
   * every interface, else the address it listens on (the host name may resolve to an address it
   * does not listen on, loopback included).
   */
  private String reachableHost() {
    InetAddress bound = http.address();
    if (bound.isAnyLocalAddress()) {
      return localHostName();
    }
    return bound instanceof Inet6Address
        ? "[" + bound.getHostAddress().split("%", 2)[0] + "]"
        : bound.getHostAddress();
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /**
   * Empty when ready (a model serving, the warm-up done and Kafka Streams running), else why not.
   */
  public Optional<String> notReadyReason() {
    KafkaStreams ks = streams;
    return notReadyReason(
        settings.modelName(), registry.isReady(), warmingUp, ks == null ? null : ks.state());
  }

  /** {@link #notReadyReason()} of these facts; {@code streams} null before Kafka Streams exists. */
  static Optional<String> notReadyReason(
      String modelName, boolean modelServes, boolean warmingUp, KafkaStreams.State streams) {
    if (!modelServes) {
      return Optional.of("no version of " + modelName + " can serve yet");
    }
    if (warmingUp) {
      return Optional.of("warming up");
    }
    if (streams == null) {
      return Optional.of("starting");
    }
    if (streams != KafkaStreams.State.RUNNING) {
      return Optional.of("Kafka Streams is " + streams);
    }
    return Optional.empty();
  }

  public int httpPort() {
    return http.port();
  }

  public ModelRegistry registry() {
    return registry;
  }

  public PrometheusMeterRegistry meters() {
    return meters;
  }

  /** Completes with the exit code when Kafka Streams fails (1) or the app is closed (0). */
  public CompletableFuture<Integer> terminated() {
    return terminated;
  }

  /**
   * Closes Kafka Streams within {@code shutdown.timeout-ms}: it commits the open transaction, in
   * which the events still waiting for a batch are safe in the pending store's changelog (the next
   * owner of the task classifies them), then the registry, the meters and the HTTP endpoint.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    bootstrap.stop();
    HeartbeatPublisher hb;
    synchronized (this) {
      hb = heartbeat;
    }
    if (hb != null) {
      hb.close(); // the tombstone first: the fleet view shows a clean shutdown at once
    }
    KafkaStreams ks;
    SideApp q;
    SideApp j;
    synchronized (this) {
      ks = streams;
      q = quality;
      j = judge;
    }
    if (j != null) {
      j.close(settings.shutdownTimeout());
    }
    if (q != null) {
      q.close(settings.shutdownTimeout());
    }
    if (ks != null) {
      LOG.info("Closing Kafka Streams (timeout {})", settings.shutdownTimeout());
      if (!ks.close(settings.shutdownTimeout())) {
        LOG.warn("Kafka Streams did not close within {}", settings.shutdownTimeout());
      }
    }
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    registry.close();
    http.close();
    processMetrics.close();
    meters.close();
    terminated.complete(0);
    LOG.info("Stream app closed");
  }

  private static List<PublicKey> trustedKeys(List<Path> files) {
    List<PublicKey> keys = new ArrayList<>();
    for (Path file : files) {
      try {
        keys.add(ModelSigning.readPublicKey(file));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            AppSettings.TRUSTED_KEYS + ": cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    if (keys.isEmpty()) {
      LOG.warn("No trusted keys configured: unsigned model versions will serve");
    }
    return keys;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already: the hook runs (or ran) anyway
    }
  }

  /** Same as {@code StreamAppCli run}. */
  public static void main(String[] args) {
    String[] runArgs = new String[args.length + 1];
    runArgs[0] = "run";
    System.arraycopy(args, 0, runArgs, 1, args.length);
    System.exit(StreamAppCli.execute(runArgs));
  }
}
