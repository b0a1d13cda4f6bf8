package org.mniststream.app.models;

import io.micrometer.core.instrument.Gauge;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * however many versions the topic has; the heap keeps the parameter bytes of every valid version so
 * that a rollback never has to re-read the topic.
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
  private ModelRollout rollout;
  private Instant lastSwapAt;

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
        "Model {} v{} verified: {}, sha256 {}, test accuracy {}",
        modelName,
        n,
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
          loaded.put(v, verifier.verifyAndLoad(valid.get(v)));
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
