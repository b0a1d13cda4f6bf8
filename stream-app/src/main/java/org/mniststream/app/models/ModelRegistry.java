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
import java.util.OptionalLong;
import java.util.Set;
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
import org.mniststream.schemas.KeyState;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Route;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.TrustedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which model versions serve, fed by the records of the models and rollouts topics; read per batch
 * by the classifier through {@link #acquire()}.
 *
 * <p>State: an {@link AtomicReference} to an immutable {@link Routing} snapshot (active, canary
 * with its percentage, shadow). Everything else (the {@link VersionCatalogue} of known versions,
 * refusals, the rollout, the loaded models) is confined to the <em>loader</em>: a single thread
 * that verifies and loads each new version with {@link ModelVerifier#verifyAndLoad} off the stream
 * threads, decides the routes with {@link RoutingPlan}, loads what they need, publishes the new
 * snapshot, and only then closes the models no route needs any more (a model still used by a
 * running batch is freed when that batch releases it). Native memory therefore holds only the
 * routed versions and the newest valid one, however many versions the topic has; the heap holds the
 * parameter bytes of those and of the newest {@link #retainParameters retained} ones (why that
 * bound exists: docs/RELIABILITY.md).
 *
 * <p>Semantics of a swap: {@link #onModelRecord} and {@link #onRolloutRecord} return at once; the
 * new routes take effect for batches that start after the loader finished loading. Records
 * classified in between are served by the previous routes (they were valid). {@link #whenIdle()}
 * completes once everything submitted so far is applied, and a registry made with {@link
 * #synchronous} applies each record before returning (used by topology tests, where the global
 * processor and the classifier share one thread).
 *
 * <p>Records of the models topic follow the topic's rule ({@link VersionCatalogue}): the last
 * record for a key wins, a tombstone removes the version, a record identical to the known one is a
 * no-op (so the startup bootstrap and the global processors may both deliver the same records). A
 * version published again with other bytes is verified again; when valid, it replaces the old one
 * in every route that uses it, as a swap. When the version that serves is removed or refused, the
 * routes are decided again without it (the newest valid version, or the rollout's fallback), as a
 * restarted instance would decide them; only when no valid version is left at all do the current
 * routes keep serving, since serving a model that was valid beats serving nothing, until a valid
 * version arrives.
 *
 * <p>Records of the trusted-keys topic and the {@link #minVersion floor} make a {@link
 * ServingPolicy}: a valid version signed by a revoked key, or below the floor, is taken out before
 * the routes are decided, so it stops serving as soon as the loader applies the revocation, and the
 * routes fall back as for a refused version. A rollout that names such a version is refused as a
 * whole (one line; the previous rollout stays). When the policy leaves no version at all, serving
 * stops (events wait in the pending store) rather than go on with a revoked key's model.
 */
public final class ModelRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final int HISTORY_LIMIT = 50;
  private static final long UNKNOWN_TIME = -1;
  private static final int ACQUIRE_ATTEMPTS = 1000;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private final String modelName;
  private final VersionLoader versionLoader;
  private final Executor loader;
  private final ExecutorService ownedLoader;
  private final AppMetrics metrics;
  private final Clock clock;
  private final AvroSerde<ModelVersion> versionSerde = ContractSerdes.modelVersion();
  private final AvroSerde<ModelRollout> rolloutSerde = ContractSerdes.modelRollout();
  private final AvroSerde<TrustedKey> keySerde = ContractSerdes.trustedKey();
  private final SignerLookup signerLookup;
  private final AtomicReference<Routing> routing;
  private final AtomicReference<RegistryStatus> status;
  private volatile boolean closed;
  private volatile boolean live;
  // Confined to the loader thread: the Kafka timestamp of the record being applied.
  private long recordAt = UNKNOWN_TIME;

  // Confined to the loader thread.
  private final VersionCatalogue catalogue;
  private final Map<Long, LoadedModel> loaded = new HashMap<>();
  private final List<LoadedModel> replaced = new ArrayList<>();
  private final Map<String, RegistryStatus.Refusal> refusals = new LinkedHashMap<>();
  private final Deque<RegistryStatus.Swap> history = new ArrayDeque<>();
  private ModelRollout rollout;
  private Instant lastSwapAt;
  private int defaultPairedPercent = RoutingPlan.DEFAULT_PAIRED_PERCENT;
  private ServingPolicy policy = ServingPolicy.NONE;
  private final Map<Long, List<String>> signers = new HashMap<>();
  private ModelRollout refusedRollout;
  private volatile ModelWarmUp warmUp = ModelWarmUp.NONE;

  /** Where the registry reads back a version whose parameters it let go: the models topic. */
  @FunctionalInterface
  public interface ModelRecordSource {
    /** The latest committed value of {@code key} on the models topic; empty when there is none. */
    Optional<byte[]> latestValue(String key) throws Exception;
  }

  /** Verifies and loads a version: {@link ModelVerifier#verifyAndLoad}, or a stand-in in tests. */
  @FunctionalInterface
  interface VersionLoader {
    LoadedModel load(ModelVersion version) throws ModelRejectedException;
  }

  /** The trusted key whose signature verifies a version ({@link ModelVerifier#signerKeyId}). */
  @FunctionalInterface
  interface SignerLookup {
    Optional<String> signerKeyId(ModelVersion version);
  }

  /**
   * What runs on a version after it loads and before any route can reach it: forward passes on
   * blank batches ({@link LoadedModel#warmUp}), so the first real batches after a start or a swap
   * do not pay the first-call costs.
   */
  @FunctionalInterface
  public interface ModelWarmUp {
    ModelWarmUp NONE = model -> {};

    void warm(LoadedModel model);

    /** {@code rounds} passes at each of {@code batchSizes}; {@link #NONE} for no rounds. */
    static ModelWarmUp forwardPasses(int rounds, int... batchSizes) {
      if (rounds <= 0) {
        return NONE;
      }
      int[] sizes = batchSizes.clone();
      return model -> {
        long nanos = model.warmUp(rounds, sizes);
        LOG.info(
            "Model {} warmed up in {} ms: {} rounds at batch sizes {}",
            model,
            nanos / 1_000_000,
            rounds,
            java.util.Arrays.toString(sizes));
      };
    }
  }

  /** Thrown on the loader thread when the registry closed while it was loading. */
  private static final class ClosedWhileLoading extends RuntimeException {
    ClosedWhileLoading() {
      super(null, null, false, false);
    }
  }

  private ModelRegistry(
      String modelName,
      VersionLoader versionLoader,
      SignerLookup signerLookup,
      Executor loader,
      ExecutorService ownedLoader,
      AppMetrics metrics,
      Clock clock) {
    this.modelName = modelName;
    this.versionLoader = versionLoader;
    this.signerLookup = signerLookup;
    this.loader = loader;
    this.ownedLoader = ownedLoader;
    this.metrics = metrics;
    this.clock = clock;
    this.catalogue = new VersionCatalogue(modelName);
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
    return withBackgroundLoader(
        modelName, verifier::verifyAndLoad, verifier::signerKeyId, metrics, clock);
  }

  static ModelRegistry withBackgroundLoader(
      String modelName, VersionLoader versionLoader, AppMetrics metrics, Clock clock) {
    return withBackgroundLoader(modelName, versionLoader, v -> Optional.empty(), metrics, clock);
  }

  private static ModelRegistry withBackgroundLoader(
      String modelName,
      VersionLoader versionLoader,
      SignerLookup signerLookup,
      AppMetrics metrics,
      Clock clock) {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "model-loader");
              t.setDaemon(true);
              return t;
            });
    return new ModelRegistry(
        modelName, versionLoader, signerLookup, executor, executor, metrics, clock);
  }

  /** Applies every record on the calling thread before returning: for topology tests. */
  public static ModelRegistry synchronous(
      String modelName, ModelVerifier verifier, AppMetrics metrics, Clock clock) {
    return new ModelRegistry(
        modelName,
        verifier::verifyAndLoad,
        verifier::signerKeyId,
        Runnable::run,
        null,
        metrics,
        clock);
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
    catalogue.retainParameters(newestVersions, source);
    return this;
  }

  /**
   * The share (0..100) of a canary's events that the active version also scores when the rollout
   * sets no {@code pairedPercent} ({@code canary.paired-percent}). Call before the first record.
   */
  public ModelRegistry pairedPercent(int percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("paired percent must be 0..100, got " + percent);
    }
    defaultPairedPercent = percent;
    return this;
  }

  /**
   * The downgrade floor ({@code model.min-version}): a version below it never serves, not even
   * pinned, and the fallback never goes below it; 0 = none. Call before the first record.
   */
  public ModelRegistry minVersion(long floor) {
    policy = policy.withFloor(floor);
    return this;
  }

  /**
   * Runs {@code warmUp} on every version this registry loads, on the loader thread, before the
   * version can be routed to (a first start, a hot swap, a rollback reloading a version). Call
   * before the first record.
   */
  public ModelRegistry warmUp(ModelWarmUp warmUp) {
    this.warmUp = java.util.Objects.requireNonNull(warmUp);
    return this;
  }

  /**
   * A record of the trusted-keys topic (key = key id, value = {@code TrustedKey}) with its Kafka
   * timestamp: a revocation takes the key's versions out of every route; a null value or a TRUSTED
   * state lifts it. The topic only ever takes trust away: which keys verify a signature is the
   * app's own {@code model.trusted-keys}, so whoever can write this topic cannot bring in a key.
   */
  public void onTrustedKeyRecord(byte[] key, byte[] value, long recordTimestamp) {
    submit(() -> applyTrustedKey(key, value), recordTimestamp);
  }

  /** A record of the models topic (key {@code name/0000000042}); a null value withdraws it. */
  public void onModelRecord(byte[] key, byte[] value) {
    onModelRecord(key, value, UNKNOWN_TIME);
  }

  /**
   * A record of the models topic with its Kafka timestamp (milliseconds since the epoch): a swap it
   * causes once the app is {@link #markLive live} is measured as the rollout's convergence.
   */
  public void onModelRecord(byte[] key, byte[] value, long recordTimestamp) {
    submit(() -> applyModel(key, value), recordTimestamp);
  }

  /** A record of the rollouts topic (key = model name); a null value clears the rollout. */
  public void onRolloutRecord(byte[] key, byte[] value) {
    onRolloutRecord(key, value, UNKNOWN_TIME);
  }

  /** A record of the rollouts topic with its Kafka timestamp; see {@link #onModelRecord}. */
  public void onRolloutRecord(byte[] key, byte[] value, long recordTimestamp) {
    submit(() -> applyRollout(key, value), recordTimestamp);
  }

  /**
   * From now on, a swap caused by a record is measured from the record's timestamp (before, the
   * start-up bootstrap replays old records, whose age says nothing about convergence).
   */
  public void markLive() {
    live = true;
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

  /**
   * Stops serving and drops this registry's hold on every model. Records not yet applied are
   * dropped; a version the loader is loading meanwhile is closed as soon as its load returns, never
   * routed. Waits for the loader at most 30 s; past that, the loader frees what it holds when its
   * load returns.
   */
  @Override
  public void close() {
    close(CLOSE_WAIT);
  }

  void close(Duration wait) {
    closed = true;
    routing.set(Routing.none(modelName));
    if (ownedLoader == null) {
      releaseModels(); // synchronous: the caller is the loader
      return;
    }
    try {
      // Models are touched on the loader thread only, so the loader frees them, after its load.
      ownedLoader.execute(this::releaseModels);
    } catch (RejectedExecutionException e) {
      return; // closed before
    }
    ownedLoader.shutdown();
    try {
      if (!ownedLoader.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "Model loader still busy after {} ms; it frees its models when its load returns",
            wait.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void releaseModels() {
    routing.set(Routing.none(modelName));
    loaded.values().forEach(LoadedModel::close);
    loaded.clear();
    replaced.forEach(LoadedModel::close);
    replaced.clear();
  }

  private void submit(Runnable task, long recordTimestamp) {
    if (closed) {
      return;
    }
    try {
      loader.execute(
          () -> {
            if (closed) {
              return;
            }
            recordAt = recordTimestamp;
            try {
              task.run();
            } catch (ClosedWhileLoading e) {
              LOG.debug("Registry closed while loading; the record is dropped");
              return;
            } catch (RuntimeException e) {
              LOG.error("Model registry failed to apply a record; routes unchanged", e);
            } finally {
              recordAt = UNKNOWN_TIME;
            }
            publishStatus();
          });
    } catch (RejectedExecutionException e) {
      LOG.debug("Registry closed, record ignored");
    }
  }

  /**
   * Verifies, loads and warms up ({@link #warmUp(ModelWarmUp)}), and never hands out a model once
   * the registry is closed.
   */
  private LoadedModel load(ModelVersion version) throws ModelRejectedException {
    LoadedModel model = versionLoader.load(version);
    if (closed) {
      model.close();
      throw new ClosedWhileLoading();
    }
    try {
      warmUp.warm(model);
    } catch (RuntimeException e) {
      model.close(); // a version that cannot run a forward pass is refused like a failed load
      throw e;
    }
    return model;
  }

  private void applyModel(byte[] key, byte[] value) {
    String keyText = key == null ? "<no key>" : new String(key, StandardCharsets.UTF_8);
    OptionalLong keyVersion = catalogue.versionOf(keyText);
    if (value == null) {
      keyVersion.ifPresent(this::withdraw);
      return;
    }
    ModelVersion version;
    try {
      version = versionSerde.decode(value);
    } catch (AvroDecodingException e) {
      if (keyVersion.isPresent()
          && catalogue.compare(keyVersion.getAsLong(), value) == VersionCatalogue.Change.SAME) {
        return;
      }
      refuse(keyText, keyVersion, value, e.reason().name(), e.getMessage());
      if (keyVersion.isPresent()) {
        reconcile("version " + keyVersion.getAsLong() + " refused");
      }
      return;
    }
    if (!modelName.equals(version.getModelName())) {
      LOG.debug("Ignoring {}: model {} is not {}", keyText, version.getModelName(), modelName);
      return;
    }
    long n = version.getVersion();
    if (keyVersion.isEmpty() || keyVersion.getAsLong() != n) {
      // the key is what compaction and every other reader go by (ModelsTopicContents)
      refuse(
          keyText,
          keyVersion,
          value,
          "KEY_MISMATCH",
          "the key " + keyText + " does not name the record's version " + n + " of " + modelName);
      if (keyVersion.isPresent()) {
        reconcile("version " + keyVersion.getAsLong() + " refused");
      }
      return;
    }
    VersionCatalogue.Change change = catalogue.compare(n, value);
    if (change == VersionCatalogue.Change.SAME) {
      return;
    }
    if (change == VersionCatalogue.Change.REPLACEMENT) {
      LOG.info(
          "Model {} v{} published again with other content (sha256 {}): verifying it again",
          modelName,
          n,
          version.getParametersSha256());
    }
    LoadedModel model;
    long started = System.nanoTime();
    try {
      model = load(version);
    } catch (ModelRejectedException e) {
      refuse(keyText, OptionalLong.of(n), value, e.reason().name(), e.getMessage());
      reconcile("version " + n + " refused");
      return;
    } catch (ClosedWhileLoading e) {
      throw e;
    } catch (RuntimeException e) {
      refuse(keyText, OptionalLong.of(n), value, "LOAD_FAILED", e.toString());
      reconcile("version " + n + " refused");
      return;
    }
    catalogue.accept(version, value);
    signers.put(n, signersOf(version));
    refusals.remove(keyText);
    LoadedModel before = loaded.put(n, model);
    if (before != null) {
      replaced.add(before); // may still serve: closed once the new routes are published
    }
    LOG.info(
        "Model {} v{} verified and loaded in {} ms: {}, sha256 {}, test accuracy {}",
        modelName,
        n,
        (System.nanoTime() - started) / 1_000_000,
        version.getArchitecture(),
        version.getParametersSha256(),
        version.getMetrics().getTestAccuracy());
    reconcile(
        "version " + n + (change == VersionCatalogue.Change.NEW ? " published" : " replaced"));
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
    if (r.equals(rollout) || r.equals(refusedRollout)) {
      return;
    }
    String refusalKey = "rollout/" + modelName;
    Optional<String> refusal = rolloutRefusal(r);
    if (refusal.isPresent()) {
      refusedRollout = r;
      LOG.warn(
          "Rollout of {} by {} refused: {}; the routes stay as they were",
          modelName,
          r.getIssuedBy(),
          refusal.get());
      metrics.modelRefused("ROLLOUT_REFUSED");
      refusals.put(
          refusalKey,
          new RegistryStatus.Refusal(
              refusalKey, null, "ROLLOUT_REFUSED", refusal.get(), clock.instant()));
      return;
    }
    refusedRollout = null;
    refusals.remove(refusalKey);
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

  /** Why a rollout may not apply: it names a version the policy blocks; empty when it may. */
  private Optional<String> rolloutRefusal(ModelRollout r) {
    Long[] named = {r.getActiveVersion(), r.getCanaryVersion(), r.getShadowVersion()};
    String[] roles = {"pinned", "canary", "shadow"};
    for (int i = 0; i < named.length; i++) {
      if (named[i] != null) {
        long v = named[i];
        Optional<String> why = policy.blocks(v, signers.getOrDefault(v, List.of()));
        if (why.isPresent()) {
          return Optional.of(roles[i] + " version " + v + " is " + why.get());
        }
      }
    }
    return Optional.empty();
  }

  private void applyTrustedKey(byte[] key, byte[] value) {
    if (key == null) {
      LOG.warn("Ignoring a trusted-keys record without a key (the key must be the key id)");
      return;
    }
    String keyId = new String(key, StandardCharsets.UTF_8);
    ServingPolicy before = policy;
    String cause;
    if (value == null) {
      policy = policy.reinstate(keyId);
      cause = "key " + keyId + " forgotten (tombstone)";
    } else {
      TrustedKey record;
      try {
        record = keySerde.decode(value);
      } catch (AvroDecodingException e) {
        LOG.warn("Ignoring undecodable trusted-keys record (key {}): {}", keyId, e.getMessage());
        return;
      }
      if (!keyId.equals(record.getKeyId())) {
        LOG.warn(
            "Ignoring trusted-keys record: its key {} is not its keyId {}",
            keyId,
            record.getKeyId());
        return;
      }
      if (record.getState() == KeyState.TRUSTED) {
        policy = policy.reinstate(keyId);
        cause = "key " + keyId + " trusted again by " + record.getChangedBy();
      } else {
        // UNKNOWN is a state newer than this reader: fail closed
        String reason = record.getReason() == null ? "" : record.getReason();
        policy = policy.revoke(keyId, reason);
        cause =
            "key "
                + keyId
                + " revoked by "
                + record.getChangedBy()
                + (reason.isEmpty() ? "" : ": " + reason);
      }
    }
    if (!policy.equals(before)) {
      LOG.info("Signing keys of {}: {}", modelName, cause);
      reconcile(cause);
    }
  }

  /** The key ids a version is tied to: the one it declares and the trusted one verifying it. */
  private List<String> signersOf(ModelVersion version) {
    List<String> ids = new ArrayList<>(2);
    if (version.getSigningKeyId() != null) {
      ids.add(version.getSigningKeyId());
    }
    signerLookup.signerKeyId(version).filter(id -> !ids.contains(id)).ifPresent(ids::add);
    return List.copyOf(ids);
  }

  /** A tombstone on the models topic: the version may no longer serve. */
  private void withdraw(long n) {
    refusals.remove(TopicNames.modelKey(modelName, n));
    if (catalogue.remove(n)) {
      LOG.info("Model {} v{} withdrawn (tombstone on the models topic)", modelName, n);
      reconcile("version " + n + " withdrawn");
    }
  }

  /**
   * Lists the refusal and, when the record names a version of this model, refuses that version (the
   * caller decides the routes again).
   *
   * @param record the refused value; null when the known record failed to load again
   */
  private void refuse(
      String key, OptionalLong version, byte[] record, String reason, String message) {
    LOG.warn("Model record {} refused ({}): {}", key, reason, message);
    Long n = version.isPresent() ? version.getAsLong() : null;
    metrics.modelRefused(reason);
    refusals.put(key, new RegistryStatus.Refusal(key, n, reason, message, clock.instant()));
    if (n != null && catalogue.refuse(n, record, reason)) {
      LOG.warn("Model {} v{} was valid: routes are decided again without it", modelName, n);
    }
  }

  /** Decides the routes, loads what they need, publishes them, closes what they no longer use. */
  private void reconcile(String cause) {
    ServingPolicy.Split split =
        policy.split(catalogue.validVersions(), v -> signers.getOrDefault(v, List.of()));
    Map<Long, String> unavailable = new java.util.TreeMap<>(catalogue.refusedVersions());
    unavailable.putAll(split.blocked());
    Optional<RoutingPlan> decided =
        RoutingPlan.decide(split.eligible(), unavailable, rollout, defaultPairedPercent)
            .map(p -> withPolicyNotes(p, split));
    if (decided.isEmpty()) {
      if (!split.blocked().isEmpty()) {
        stopServing(split.blocked());
        return;
      }
      if (routing.get().canServe()) {
        LOG.warn("No valid version of {} is left on the models topic; routes unchanged", modelName);
      }
      return;
    }
    RoutingPlan plan = decided.get();
    for (long v : plan.versions()) {
      if (!loaded.containsKey(v)) {
        try {
          loaded.put(v, load(catalogue.withParameters(v)));
          LOG.info("Model {} v{} loaded again for routing", modelName, v);
        } catch (ModelRejectedException | RuntimeException e) {
          if (e instanceof ClosedWhileLoading closing) {
            throw closing;
          }
          refuse(
              TopicNames.modelKey(modelName, v),
              OptionalLong.of(v),
              null,
              reasonOf(e),
              e.getMessage());
          reconcile(cause);
          return;
        }
      }
    }
    Routing before = routing.get();
    Instant now = clock.instant();
    LoadedModel active = loaded.get(plan.active());
    LoadedModel canary = plan.canary() == null ? null : loaded.get(plan.canary());
    LoadedModel shadow = plan.shadow() == null ? null : loaded.get(plan.shadow());
    boolean changed =
        !plan.sameRoutes(before.plan())
            || active != before.active()
            || canary != before.canary()
            || shadow != before.shadow();
    Routing after =
        new Routing(
            modelName,
            active,
            canary,
            plan.canaryPercent(),
            shadow,
            plan,
            changed ? now : before.since());
    // close() sets the routes to none: then this snapshot must not replace them.
    if (closed || !routing.compareAndSet(before, after)) {
      throw new ClosedWhileLoading();
    }
    if (before.plan() == null || !plan.notes().equals(before.plan().notes())) {
      plan.notes().forEach(note -> LOG.warn("Routing of {}: {}", modelName, note));
    }
    if (changed) {
      lastSwapAt = now;
      metrics.modelSwap();
      Instant published = recordAt == UNKNOWN_TIME ? null : Instant.ofEpochMilli(recordAt);
      if (live && published != null) {
        metrics.rolloutConvergence(Duration.between(published, now));
      }
      Long activeBefore = before.active() == null ? null : before.active().version();
      history.addLast(
          new RegistryStatus.Swap(
              now,
              activeBefore,
              plan.active(),
              plan.canary(),
              plan.canaryPercent(),
              plan.shadow(),
              cause,
              live ? published : null));
      while (history.size() > HISTORY_LIMIT) {
        history.removeFirst();
      }
      LOG.info(
          "Routing of {} now: active v{}, canary {}, shadow {} (was active {}; {})",
          modelName,
          plan.active(),
          plan.canary() == null
              ? "none"
              : "v"
                  + plan.canary()
                  + " at "
                  + plan.canaryPercent()
                  + "% ("
                  + plan.pairedPercent()
                  + "% paired)",
          plan.shadow() == null ? "none" : "v" + plan.shadow(),
          activeBefore == null ? "none" : "v" + activeBefore,
          cause);
    }
    // Freed once the last batch using them releases them.
    replaced.forEach(LoadedModel::close);
    replaced.clear();
    Set<Long> needed = plan.versions();
    for (Iterator<Map.Entry<Long, LoadedModel>> it = loaded.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, LoadedModel> e = it.next();
      if (!needed.contains(e.getKey())) {
        e.getValue().close();
        it.remove();
        LOG.debug("Model {} v{} unloaded: no route needs it", modelName, e.getKey());
      }
    }
    catalogue.releaseParameters(loaded.keySet());
  }

  /** Says when the newest valid version is blocked, so /model shows why it does not serve. */
  private RoutingPlan withPolicyNotes(RoutingPlan plan, ServingPolicy.Split split) {
    long newest = catalogue.validVersions().last();
    String why = split.blocked().get(newest);
    if (why == null) {
      return plan;
    }
    List<String> notes = new ArrayList<>();
    notes.add("newest version " + newest + " may not serve: " + why);
    notes.addAll(plan.notes());
    return new RoutingPlan(
        plan.active(),
        plan.canary(),
        plan.canaryPercent(),
        plan.pairedPercent(),
        plan.shadow(),
        plan.latest(),
        notes);
  }

  /**
   * Every valid version is blocked by the policy: serving stops (events wait in the pending store)
   * rather than go on with a revoked key's model, until an eligible version arrives.
   */
  private void stopServing(Map<Long, String> blocked) {
    Routing before = routing.get();
    if (!before.canServe()) {
      return;
    }
    if (closed || !routing.compareAndSet(before, Routing.none(modelName))) {
      throw new ClosedWhileLoading();
    }
    LOG.error(
        "No version of {} may serve ({}); serving stopped until an eligible version arrives",
        modelName,
        blocked.entrySet().stream()
            .map(e -> "v" + e.getKey() + " " + e.getValue())
            .collect(java.util.stream.Collectors.joining("; ")));
    lastSwapAt = clock.instant();
    metrics.modelSwap();
    // Freed once the last batch using them releases them.
    loaded.values().forEach(LoadedModel::close);
    loaded.clear();
    replaced.forEach(LoadedModel::close);
    replaced.clear();
    catalogue.releaseParameters(Set.of());
  }

  private void publishStatus() {
    Routing r = routing.get();
    List<RegistryStatus.VersionInfo> versions =
        catalogue.validRecords().stream()
            .map(v -> RegistryStatus.VersionInfo.of(v, loaded.containsKey(v.getVersion())))
            .toList();
    status.set(
        new RegistryStatus(
            modelName,
            info(r.active()),
            info(r.canary()),
            r.canaryPercent(),
            r.canary() == null || r.plan() == null ? 0 : r.plan().pairedPercent(),
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
    ModelVersion v = catalogue.valid(model.version()).orElse(model.metadata());
    return RegistryStatus.VersionInfo.of(v, true);
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
