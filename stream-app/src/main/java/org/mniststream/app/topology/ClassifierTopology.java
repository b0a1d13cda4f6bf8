package org.mniststream.app.topology;

import java.time.Clock;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.mniststream.app.config.AppSettings;
import org.mniststream.app.models.ModelRegistry;
import org.mniststream.app.ops.AppMetrics;
import org.mniststream.model.Sha256;
import org.mniststream.model.image.ImageValidator;

/**
 * The classifier topology. Topics (keys and values as on the wire):
 *
 * <ul>
 *   <li>reads {@code topics.images} ({@code mnist.image-events}): key = bytes of the event key
 *       (ordering key, usually the event id), value = {@code ImageEvent} (Avro single-object or
 *       Confluent framing, whatever {@code value.format} says), read as raw bytes and decoded in
 *       the processor;
 *   <li>reads {@code topics.models} ({@code mnist.models}) as a global store: key = UTF-8 {@code
 *       modelName/0000000042}, value = {@code ModelVersion}, raw bytes handed to the registry;
 *   <li>reads {@code topics.rollouts} ({@code mnist.model-rollouts}) as a global store: key = UTF-8
 *       model name, value = {@code ModelRollout}, raw bytes handed to the registry;
 *   <li>reads {@code topics.trusted-keys} ({@code mnist.trusted-keys}) as a global store: key =
 *       UTF-8 key id, value = {@code TrustedKey}, raw bytes handed to the registry (a revocation
 *       takes the key's versions out of every route);
 *   <li>writes {@code topics.predictions} ({@code mnist.predictions}): key = the image event's key
 *       bytes, value = {@code Prediction} with route ACTIVE or CANARY;
 *   <li>writes {@code topics.predictions.shadow} ({@code mnist.predictions.shadow}): key = the
 *       image event's key bytes, value = {@code Prediction} with route SHADOW (the shadow version,
 *       every event) or BASELINE (the active version, a sample of the canary's events);
 *   <li>writes {@code topics.review} ({@code mnist.review}): key = the image event's key bytes,
 *       value = {@code ReviewRequest}, for an ACTIVE or CANARY prediction whose confidence is below
 *       {@code review.confidence-threshold} (the prediction itself goes to the predictions topic
 *       all the same);
 *   <li>writes {@code topics.dead-letters} ({@code mnist.dead-letters}): key = the original key
 *       bytes (possibly null), value = {@code DeadLetter};
 *   <li>writes the changelog of the {@value #PENDING_STORE} store ({@code
 *       <application.id>-pending-batch-changelog}): key = Long sequence number, value = a pending
 *       event in this app's private format.
 * </ul>
 *
 * <p>No model is captured here: the classifier asks the registry for the current routes at the
 * start of every batch.
 */
public final class ClassifierTopology {
  public static final String IMAGES_SOURCE = "image-events";
  public static final String CLASSIFIER = "classifier";
  public static final String PREDICTIONS_SINK = "predictions";
  public static final String SHADOW_SINK = "shadow-predictions";
  public static final String DEAD_LETTERS_SINK = "dead-letters";
  public static final String REVIEW_SINK = "review-requests";
  public static final String PENDING_STORE = "pending-batch";
  public static final String MODELS_STORE = "models-global";
  public static final String ROLLOUTS_STORE = "rollouts-global";
  public static final String TRUSTED_KEYS_STORE = "trusted-keys-global";

  private ClassifierTopology() {}

  public static Topology build(
      StreamTopics topics,
      ModelRegistry registry,
      Clock clock,
      AppSettings settings,
      AppMetrics metrics) {
    ImageValidator validator =
        new ImageValidator(
            ImageValidator.INPUT_SIDE, settings.maxImageSide(), topics.imageDecoder());
    Topology topology = new Topology();
    topology.addSource(
        IMAGES_SOURCE,
        topics.images().keySerde().deserializer(),
        topics.images().valueSerde().deserializer(),
        topics.images().name());
    topology.addProcessor(
        CLASSIFIER,
        () ->
            new ClassifyProcessor(
                validator,
                registry,
                clock,
                metrics,
                BatchPolicy.of(settings, System::nanoTime),
                (float) settings.reviewConfidenceThreshold()),
        IMAGES_SOURCE);
    topology.addStateStore(pendingStore(), CLASSIFIER);
    topology.addSink(
        PREDICTIONS_SINK,
        topics.predictions().name(),
        topics.predictions().keySerde().serializer(),
        topics.predictions().valueSerde().serializer(),
        CLASSIFIER);
    topology.addSink(
        SHADOW_SINK,
        topics.shadowPredictions().name(),
        topics.shadowPredictions().keySerde().serializer(),
        topics.shadowPredictions().valueSerde().serializer(),
        CLASSIFIER);
    topology.addSink(
        DEAD_LETTERS_SINK,
        topics.deadLetters().name(),
        topics.deadLetters().keySerde().serializer(),
        topics.deadLetters().valueSerde().serializer(),
        CLASSIFIER);
    topology.addSink(
        REVIEW_SINK,
        topics.review().name(),
        topics.review().keySerde().serializer(),
        topics.review().valueSerde().serializer(),
        CLASSIFIER);
    topology.addGlobalStore(
        globalStore(MODELS_STORE),
        "models-source",
        topics.models().keySerde().deserializer(),
        topics.models().valueSerde().deserializer(),
        topics.models().name(),
        "models-processor",
        () -> new ControlTopicProcessor(MODELS_STORE, Sha256::digest, registry::onModelRecord));
    topology.addGlobalStore(
        globalStore(ROLLOUTS_STORE),
        "rollouts-source",
        topics.rollouts().keySerde().deserializer(),
        topics.rollouts().valueSerde().deserializer(),
        topics.rollouts().name(),
        "rollouts-processor",
        () ->
            new ControlTopicProcessor(
                ROLLOUTS_STORE, UnaryOperator.identity(), registry::onRolloutRecord));
    topology.addGlobalStore(
        globalStore(TRUSTED_KEYS_STORE),
        "trusted-keys-source",
        topics.trustedKeys().keySerde().deserializer(),
        topics.trustedKeys().valueSerde().deserializer(),
        topics.trustedKeys().name(),
        "trusted-keys-processor",
        () ->
            new ControlTopicProcessor(
                TRUSTED_KEYS_STORE, UnaryOperator.identity(), registry::onTrustedKeyRecord));
    return topology;
  }

  /**
   * In memory, logged, cached. The changelog is what makes the buffer crash-safe: its writes are
   * part of the EOS transaction that commits the consumed offsets, and it restores the store (which
   * is small: a batch or so of ~1 KB entries) on restart or on another instance after a rebalance.
   *
   * <p>Cached, so that the value of an event put and deleted between two commits (the usual case:
   * the batch wait is a fraction of {@code commit.interval.ms}) never reaches the changelog: Kafka
   * Streams flushes the cache into the changelog before it commits the offsets, in the same
   * transaction, and a put and its delete that meet in the cache leave only the delete. So the
   * changelog has the value of exactly the events still pending at a commit (or evicted from a full
   * cache, which writes them early, in the same open transaction), which is all a restore needs: an
   * event whose prediction commits with its offset has nothing to restore. Each event still costs a
   * tombstone (the cache of a store without a KTable's flush listener does not look whether the key
   * was ever logged), but no longer a ~1 KB value as well (docs/BENCHMARKS.md, "End to end through
   * Kafka").
   */
  private static StoreBuilder<KeyValueStore<Long, PendingEvent>> pendingStore() {
    return Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.Long(), PendingEvent.serde())
        .withLoggingEnabled(Map.of())
        .withCachingEnabled();
  }

  /** Global stores are restored from their source topic, so they must not have a changelog. */
  private static StoreBuilder<KeyValueStore<byte[], byte[]>> globalStore(String name) {
    return Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(name), Serdes.ByteArray(), Serdes.ByteArray())
        .withLoggingDisabled()
        .withCachingDisabled();
  }
}
