package org.mniststream.app.models;

import io.micrometer.core.instrument.Gauge;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.mniststream.app.ops.AppMetrics;
import org.mniststream.model.LoadedModel;
import org.mniststream.model.ModelRejectedException;
import org.mniststream.model.ModelVerifier;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Route;
import org.mniststream.schemas.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which model versions serve, fed by the records of the models and rollouts topics; read per batch
 * by the classifier through {@link #acquire()}.
 *
 * <p>State: an {@link AtomicReference} to an immutable {@link Routing} snapshot (active, canary
 * with its percentage, shadow). Everything else (known versions, refusals, the rollout, the loaded
 * models) is confined to the <em>loader</em>: a single thread that verifies and loads each new
 * version with {@link ModelVerifier#verifyAndLoad} off the stream threads, decides the routes with
 * {@link RoutingPlan}, loads what they need, publishes the new snapshot, and only then closes the
 * models no route needs any more (a model still used by a running batch is freed when that batch
 * releases it). Native memory therefore holds only the routed versions and the newest valid one,
 * however many versions the topic has. The heap keeps the parameter bytes (~0.9 MB for the CNN) of
 * the routed versions and of the newest {@link #retainParameters retained} ones, so that a rollback
 * to a recent version is instant; an older version routed again is read back from the models topic
 * and verified again. Without that bound the heap grew by one parameter set per version published
 * (measured: ~1 MB of live heap per swap in the soak).
 *
 * <p>Semantics of a swap: {@link #onModelRecord} and {@link #onRolloutRecord} return at once; the
 * new routes take effect for batches that start after the loader finished loading. Records
 * classified in between are served by the previous routes (they were valid). {@link #whenIdle()}
 * completes once everything submitted so far is applied, and a registry made with {@link
 * #synchronous} applies each record before returning (used by topology tests, where the global
 * processor and the classifier share one thread).
 *
 * <p>Idempotent: a version already known (valid or refused) is ignored, so the startup bootstrap
 * and the global processors may both deliver the same records.
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final int HISTORY_LIMIT = 50;
  private static final int ACQUIRE_ATTEMPTS = 1000;

  private final String modelName;
  private final ModelVerifier verifier;
  private final Executor loader;
  private final ExecutorService ownedLoader;
  private final AppMetrics metrics;
  private final Clock clock;
  private final AvroSerde<ModelVersion> versionSerde = ContractSerdes.modelVersion();
  private final AvroSerde<ModelRollout> rolloutSerde = ContractSerdes.modelRollout();
  private final AtomicReference<Routing> routing;
  private final AtomicReference<RegistryStatus> status;
  private volatile boolean closed;

  // Confined to the loader thread.
  private final TreeMap<Long, ModelVersion> valid = new TreeMap<>();
  private final Map<Long, LoadedModel> loaded = new HashMap<>();
  private final Map<String, RegistryStatus.Refusal> refusals = new LinkedHashMap<>();
  private final Map<Long, String> refusedVersions = new TreeMap<>();
  private final Deque<RegistryStatus.Swap> history = new ArrayDeque<>();
  private final Set<Long> parametersReleased = new HashSet<>();
  private ModelRollout rollout;
  private Instant lastSwapAt;
  private volatile int retainedVersions = Integer.MAX_VALUE;
  private volatile ModelRecordSource recordSource;

  /** Where the registry reads back a version whose parameters it let go: the models topic. */
  @FunctionalInterface
  public interface ModelRecordSource {
    /** The latest committed value of {@code key} on the models topic; empty when there is none. */
    Optional<byte[]> latestValue(String key) throws Exception;
  }

  private ModelRegistry(
      String modelName,
      ModelVerifier verifier,
      Executor loader,
      ExecutorService ownedLoader,
      AppMetrics metrics,
      Clock clock) {
    this.modelName = modelName;
    this.verifier = verifier;
    this.loader = loader;
    this.ownedLoader = ownedLoader;
    this.metrics = metrics;
    this.clock = clock;
    this.routing = new AtomicReference<>(Routing.none(modelName));
    this.status = new AtomicReference<>(RegistryStatus.empty(modelName));
    gauge(Route.ACTIVE, r -> r.active() == null ? -1 : r.active().version());
    gauge(Route.CANARY, r -> r.canary() == null ? -1 : r.canary().version());
    gauge(Route.SHADOW, r -> r.shadow() == null ? -1 : r.shadow().version());
    Gauge.builder("mnist.model.canary.percent", routing, r -> r.get().canaryPercent())
        .description("Share of keys routed to the canary")
        .register(metrics.registry());
  }

  /** Loads on a dedicated background thread ({@code model-loader}): the production registry. */
  public static ModelRegistry withBackgroundLoader(
      String modelName, ModelVerifier verifier, AppMetrics metrics, Clock clock) {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "model-loader");
              t.setDaemon(true);
              return t;
            });
    return new ModelRegistry(modelName, verifier, executor, executor, metrics, clock);
  }

  /** Applies every record on the calling thread before returning: for topology tests. */
  public static ModelRegistry synchronous(
      String modelName, ModelVerifier verifier, AppMetrics metrics, Clock clock) {
    return new ModelRegistry(modelName, verifier, Runnable::run, null, metrics, clock);
  }

  public String modelName() {
    return modelName;
  }

  /**
   * Bounds the heap: only the newest {@code newestVersions} valid versions and the routed ones keep
   * their parameter bytes; another version routed again (a rollback) is read back from {@code
   * source}. Call before the first record; without it every valid version keeps its bytes.
   */
  public ModelRegistry retainParameters(int newestVersions, ModelRecordSource source) {
    if (newestVersions < 0) {
      throw new IllegalArgumentException("newestVersions must be >= 0, got " + newestVersions);
    }
    this.recordSource = Objects.requireNonNull(source, "source");
    this.retainedVersions = newestVersions;
    return this;
  }

  /** A record of the models topic (key {@code name/0000000042}); a null value withdraws it. */
  public void onModelRecord(byte[] key, byte[] value) {
    submit(() -> applyModel(key, value));
  }

  /** A record of the rollouts topic (key = model name); a null value clears the rollout. */
  public void onRolloutRecord(byte[] key, byte[] value) {
    submit(() -> applyRollout(key, value));
  }

  /** Completes when every record submitted before this call has been applied. */
  public CompletableFuture<Void> whenIdle() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      loader.execute(() -> done.complete(null));
    } catch (RejectedExecutionException e) {
      done.complete(null);
    }
    return done;
  }

  /** The current routes. */
  public Routing routing() {
    return routing.get();
  }

  /** True once a version serves. */
  public boolean isReady() {
    return routing.get().canServe();
  }

  /** What the registry knows, for {@code /model}. */
  public RegistryStatus status() {
    return status.get();
  }

  /**
   * Holds the current routes' models for one batch; empty while no version serves. Retries on the
   * newer snapshot when a swap freed a model between reading the snapshot and acquiring it.
   */
  public Optional<ModelLease> acquire() {
    for (int attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
      Routing r = routing.get();
      if (!r.canServe()) {
        return Optional.empty();
      }
      List<LoadedModel> held = new ArrayList<>(3);
      boolean all = true;
      for (LoadedModel m : r.models()) {
        if (m.tryAcquire()) {
          held.add(m);
        } else {
          all = false;
          break;
        }
      }
      if (all) {
        return Optional.of(new ModelLease(r, held));
      }
      held.forEach(LoadedModel::release);
      Thread.onSpinWait();
    }
    throw new IllegalStateException("routed models kept being freed while acquiring them");
  }

  /** Stops the loader and drops this registry's hold on every model. */
  @Override
  public void close() {
    closed = true;
    if (ownedLoader != null) {
      ownedLoader.shutdown();
      try {
        if (!ownedLoader.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warn("Model loader still busy after 30 s; closing models anyway");
          ownedLoader.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ownedLoader.shutdownNow();
      }
    }
    routing.set(Routing.none(modelName));
    loaded.values().forEach(LoadedModel::close);
    loaded.clear();
  }

  private void submit(Runnable task) {
    if (closed) {
      return;
    }
    try {
      loader.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.error("Model registry failed to apply a record; routes unchanged", e);
            }
            publishStatus();
          });
    } catch (RejectedExecutionException e) {
      LOG.debug("Registry closed, record ignored");
    }
  }

  private void applyModel(byte[] key, byte[] value) {
    String keyText = key == null ? "<no key>" : new String(key, StandardCharsets.UTF_8);
    if (value == null) {
      withdraw(keyText);
      return;
    }
    ModelVersion version;
    try {
      version = versionSerde.decode(value);
    } catch (AvroDecodingException e) {
      refuse(keyText, null, e.reason().name(), e.getMessage());
      return;
    }
    if (!modelName.equals(version.getModelName())) {
      LOG.debug("Ignoring {}: model {} is not {}", keyText, version.getModelName(), modelName);
      return;
    }
    long n = version.getVersion();
    ModelVersion known = valid.get(n);
    if (known != null || refusedVersions.containsKey(n)) {
      if (known != null && !known.getParametersSha256().equals(version.getParametersSha256())) {
        LOG.warn(
            "Model {} v{} was published again with other parameters (sha256 {}); versions are"
                + " immutable, keeping sha256 {}",
            modelName,
            n,
            version.getParametersSha256(),
            known.getParametersSha256());
      }
      return;
    }
    LoadedModel model;
    long started = System.nanoTime();
    try {
      model = verifier.verifyAndLoad(version);
    } catch (ModelRejectedException e) {
      refuse(keyText, n, e.reason().name(), e.getMessage());
      reconcile("version " + n + " refused");
      return;
    } catch (RuntimeException e) {
      refuse(keyText, n, "LOAD_FAILED", e.toString());
      reconcile("version " + n + " refused");
      return;
    }
    valid.put(n, version);
    loaded.put(n, model);
    LOG.info(
        "Model {} v{} verified and loaded in {} ms: {}, sha256 {}, test accuracy {}",
        modelName,
        n,
        (System.nanoTime() - started) / 1_000_000,
        version.getArchitecture(),
        version.getParametersSha256(),
        version.getMetrics().getTestAccuracy());
    reconcile("version " + n + " published");
  }

  private void applyRollout(byte[] key, byte[] value) {
    String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
    if (value == null) {
      if (modelName.equals(keyText) && rollout != null) {
        rollout = null;
        LOG.info("Rollout of {} cleared: following the newest valid version", modelName);
        reconcile("rollout cleared");
      }
      return;
    }
    ModelRollout r;
    try {
      r = rolloutSerde.decode(value);
    } catch (AvroDecodingException e) {
      LOG.warn("Ignoring undecodable rollout record (key {}): {}", keyText, e.getMessage());
      return;
    }
    if (!modelName.equals(r.getModelName())) {
      return;
    }
    if (r.equals(rollout)) {
      return;
    }
    rollout = r;
    LOG.info(
        "Rollout of {} by {}: active {}, canary {} at {}%, shadow {} ({})",
        modelName,
        r.getIssuedBy(),
        r.getActiveVersion() == null ? "latest" : "v" + r.getActiveVersion(),
        r.getCanaryVersion(),
        r.getCanaryPercent(),
        r.getShadowVersion(),
        r.getReason());
    reconcile(
        "rollout by " + r.getIssuedBy() + (r.getReason() == null ? "" : ": " + r.getReason()));
  }

  /** A tombstone on the models topic: the version may no longer serve. */
  private void withdraw(String keyText) {
    int slash = keyText.lastIndexOf('/');
    if (slash < 0 || !keyText.substring(0, slash).equals(modelName)) {
      return;
    }
    long n;
    try {
      n = Long.parseLong(keyText.substring(slash + 1));
    } catch (NumberFormatException e) {
      return;
    }
    boolean wasValid = valid.remove(n) != null;
    parametersReleased.remove(n);
    refusedVersions.remove(n);
    if (wasValid) {
      LOG.info("Model {} v{} withdrawn (tombstone on the models topic)", modelName, n);
      reconcile("version " + n + " withdrawn");
    }
  }

  private void refuse(String key, Long version, String reason, String message) {
    LOG.warn(
        "Model record {} refused ({}): {}; the current routes keep serving", key, reason, message);
    metrics.modelRefused(reason);
    refusals.put(key, new RegistryStatus.Refusal(key, version, reason, message, clock.instant()));
    if (version != null) {
      refusedVersions.put(version, reason);
    }
  }

  /** Decides the routes, loads what they need, publishes them, closes what they no longer use. */
  private void reconcile(String cause) {
    Optional<RoutingPlan> decided =
        RoutingPlan.decide(valid.navigableKeySet(), refusedVersions, rollout);
    if (decided.isEmpty()) {
      if (routing.get().canServe()) {
        LOG.warn("No valid version of {} is left on the models topic; routes unchanged", modelName);
      }
      return;
    }
    RoutingPlan plan = decided.get();
    for (long v : plan.versions()) {
      if (!loaded.containsKey(v)) {
        try {
          loaded.put(v, verifier.verifyAndLoad(withParameters(v)));
          LOG.info("Model {} v{} loaded again for routing", modelName, v);
        } catch (ModelRejectedException | RuntimeException e) {
          valid.remove(v);
          refuse(TopicNames.modelKey(modelName, v), v, reasonOf(e), e.getMessage());
          reconcile(cause);
          return;
        }
      }
    }
    Routing before = routing.get();
    boolean changed = !plan.sameRoutes(before.plan());
    Instant now = clock.instant();
    Routing after =
        new Routing(
            modelName,
            loaded.get(plan.active()),
            plan.canary() == null ? null : loaded.get(plan.canary()),
            plan.canaryPercent(),
            plan.shadow() == null ? null : loaded.get(plan.shadow()),
            plan,
            changed ? now : before.since());
    routing.set(after);
    if (before.plan() == null || !plan.notes().equals(before.plan().notes())) {
      plan.notes().forEach(note -> LOG.warn("Routing of {}: {}", modelName, note));
    }
    if (changed) {
      lastSwapAt = now;
      metrics.modelSwap();
      Long activeBefore = before.active() == null ? null : before.active().version();
      history.addLast(
          new RegistryStatus.Swap(
              now,
              activeBefore,
              plan.active(),
              plan.canary(),
              plan.canaryPercent(),
              plan.shadow(),
              cause));
      while (history.size() > HISTORY_LIMIT) {
        history.removeFirst();
      }
      LOG.info(
          "Routing of {} now: active v{}, canary {}, shadow {} (was active {}; {})",
          modelName,
          plan.active(),
          plan.canary() == null
              ? "none"
              : "v" + plan.canary() + " at " + plan.canaryPercent() + "%",
          plan.shadow() == null ? "none" : "v" + plan.shadow(),
          activeBefore == null ? "none" : "v" + activeBefore,
          cause);
    }
    Set<Long> needed = plan.versions();
    for (Iterator<Map.Entry<Long, LoadedModel>> it = loaded.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, LoadedModel> e = it.next();
      if (!needed.contains(e.getKey())) {
        e.getValue().close(); // freed once the last batch using it releases it
        it.remove();
        LOG.debug("Model {} v{} unloaded: no route needs it", modelName, e.getKey());
      }
    }
    releaseParameters();
  }

  /**
   * Drops the parameter bytes of the valid versions that are neither routed nor among the newest.
   */
  private void releaseParameters() {
    if (recordSource == null) {
      return;
    }
    List<Long> release = new ArrayList<>();
    int rank = 0;
    for (long v : valid.descendingKeySet()) {
      if (rank++ >= retainedVersions && !loaded.containsKey(v) && !parametersReleased.contains(v)) {
        release.add(v);
      }
    }
    for (long v : release) {
      valid.put(
          v, ModelVersion.newBuilder(valid.get(v)).setParameters(ByteBuffer.allocate(0)).build());
      parametersReleased.add(v);
      LOG.debug("Model {} v{}: parameters released from the heap", modelName, v);
    }
  }

  /** The version with its parameter bytes, read back from the models topic when released. */
  private ModelVersion withParameters(long v) {
    ModelVersion known = valid.get(v);
    if (!parametersReleased.contains(v)) {
      return known;
    }
    String key = TopicNames.modelKey(modelName, v);
    byte[] value;
    try {
      value =
          recordSource
              .latestValue(key)
              .orElseThrow(() -> new IllegalStateException(key + " is no longer on the topic"));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + key + " back: " + e, e);
    }
    ModelVersion read = versionSerde.decode(value);
    if (!known.getParametersSha256().equals(read.getParametersSha256())) {
      throw new IllegalStateException(
          key
              + " on the topic now declares sha256 "
              + read.getParametersSha256()
              + ", not "
              + known.getParametersSha256());
    }
    valid.put(v, read);
    parametersReleased.remove(v);
    LOG.info("Model {} v{}: parameters read back from the models topic", modelName, v);
    return read;
  }

  private void publishStatus() {
    Routing r = routing.get();
    List<RegistryStatus.VersionInfo> versions =
        valid.values().stream()
            .map(v -> RegistryStatus.VersionInfo.of(v, loaded.containsKey(v.getVersion())))
            .toList();
    status.set(
        new RegistryStatus(
            modelName,
            info(r.active()),
            info(r.canary()),
            r.canaryPercent(),
            info(r.shadow()),
            RegistryStatus.RolloutInfo.of(rollout),
            r.plan() == null ? List.of() : r.plan().notes(),
            lastSwapAt,
            versions,
            new ArrayList<>(refusals.values()),
            new ArrayList<>(history)));
  }

  private RegistryStatus.VersionInfo info(LoadedModel model) {
    if (model == null) {
      return null;
    }
    ModelVersion v = valid.get(model.version());
    return RegistryStatus.VersionInfo.of(v != null ? v : model.metadata(), true);
  }

  private void gauge(Route route, ToDoubleFunction<Routing> version) {
    Gauge.builder("mnist.model.version", routing, r -> version.applyAsDouble(r.get()))
        .description("Version serving each route; -1 when the route is off")
        .tag("route", route.name())
        .register(metrics.registry());
  }

  private static String reasonOf(Exception e) {
    return e instanceof ModelRejectedException r ? r.reason().name() : "LOAD_FAILED";
  }

  /** For tests and shutdown logs: waits for the loader, at most {@code timeout}. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    try {
      whenIdle().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }
}
