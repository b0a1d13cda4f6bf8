package org.mniststream.app.topology;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.mniststream.app.models.ModelLease;
import org.mniststream.app.models.ModelRegistry;
import org.mniststream.app.models.Routing;
import org.mniststream.app.ops.AppMetrics;
import org.mniststream.model.Architecture;
import org.mniststream.model.InputNormalizer;
import org.mniststream.model.LoadedModel;
import org.mniststream.model.image.ImageValidator;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.ReviewReason;
import org.mniststream.schemas.ReviewRequest;
import org.mniststream.schemas.Route;
import org.mniststream.schemas.framing.SchemaRegistryException;
import org.mniststream.schemas.framing.SchemaRegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates each image event, buffers the valid ones, and classifies the buffer in batches with the
 * models the registry routes to at the time the batch starts.
 *
 * <p>Exactly-once with a buffer: each valid event is written to the changelogged {@link
 * ClassifierTopology#PENDING_STORE} before {@code process} returns, so the store write and the
 * consumed offset go into the same EOS transaction. When a batch is classified, its predictions are
 * forwarded and its store entries deleted, again in one transaction. A crash therefore leaves every
 * consumed event either still pending in the (restored) store or with its prediction committed,
 * never both and never neither. {@link #init} rebuilds the in-memory batch from the restored store.
 * The store is cached ({@link ClassifierTopology}): Kafka Streams flushes the cache into the
 * changelog before the offsets of a transaction are committed, so the argument holds for what is in
 * the changelog at each commit; the value of an event put and deleted between two commits never
 * reaches it (only its tombstone does), and needs not: its prediction and its offset commit
 * together.
 *
 * <p>A batch is classified when its {@link BatchPolicy} says so, after each buffered event and at
 * each tick of a wall-clock punctuator: by default when the buffer holds {@code
 * inference.batch.size} events, and every {@code inference.batch.max-wait-ms}, so no event waits
 * much longer than that; with {@code inference.latency-budget-ms}, as {@link AdaptiveBatching}
 * decides from the measured cost of a batch and the arrival rate. Predictions are forwarded in
 * arrival order with the input key and the input record's timestamp, which keeps order per key.
 *
 * <p>Besides, a shadow version scores every event, and the active version scores a sample of the
 * canary's events ({@link Routing#isPaired}, by event id, so a redelivered event is sampled again)
 * in one more forward pass: both go to the shadow topic only (routes SHADOW and BASELINE), with the
 * event's key, timestamp and the batch's processedAt, so the quality app can compare a challenger
 * with the active version on the same events. Each event still gets exactly one prediction on the
 * predictions topic or one dead letter.
 *
 * <p>An ACTIVE or CANARY prediction whose confidence is below {@code review.confidence-threshold}
 * also goes to the review topic as a {@code ReviewRequest} (same key and timestamp, the 28x28 image
 * the model saw), for a person to label; it is an extra record, not a replacement, so the balance
 * above still holds on the predictions topic. SHADOW and BASELINE predictions are never reviewed:
 * nobody is served them, and a low-confidence event is reviewed once, for the version that served
 * it.
 */
final class ClassifyProcessor implements Processor<byte[], byte[], byte[], SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifyProcessor.class);
  private static final Route[] ROUTES = Route.values();

  private final ImageValidator validator;
  private final ModelRegistry registry;
  private final Clock clock;
  private final AppMetrics metrics;
  private final BatchPolicy batching;
  private final float reviewThreshold;
  private final ArrayDeque<KeyValue<Long, PendingEvent>> buffer = new ArrayDeque<>();
  private float[] staging = new float[0];
  private ProcessorContext<byte[], SpecificRecord> context;
  private KeyValueStore<Long, PendingEvent> store;
  private long nextSeq;
  private boolean waitingForModel;

  ClassifyProcessor(
      ImageValidator validator,
      ModelRegistry registry,
      Clock clock,
      AppMetrics metrics,
      BatchPolicy batching,
      float reviewThreshold) {
    this.validator = validator;
    this.registry = registry;
    this.clock = clock;
    this.metrics = metrics;
    this.batching = batching;
    this.reviewThreshold = reviewThreshold;
  }

  @Override
  public void init(ProcessorContext<byte[], SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(ClassifierTopology.PENDING_STORE);
    // Long keys serialize big-endian and are never negative, so the store iterates in seq order.
    try (KeyValueIterator<Long, PendingEvent> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<Long, PendingEvent> entry = it.next();
        buffer.addLast(entry);
        nextSeq = entry.key + 1;
      }
    }
    if (!buffer.isEmpty()) {
      LOG.info(
          "Task {}: {} pending events restored from the changelog, classifying them first",
          context.taskId(),
          buffer.size());
    }
    context.schedule(
        batching.tick(),
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          if (batching.ticked(buffer.size())) {
            flush();
          }
        });
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long receivedAtMicros = micros(clock.instant());
    metrics.eventIn();
    Source source = Source.of(context.recordMetadata());
    ImageValidator.Result result;
    try {
      result = validator.validate(record.key(), record.value());
    } catch (SchemaRegistryUnavailableException | SchemaRegistryException e) {
      // Not the record's fault: fail the task, so that the aborted transaction has the event read
      // again (StreamApp replaces the thread) instead of dead-lettering a good event.
      throw e;
    } catch (RuntimeException e) {
      LOG.warn("Unexpected failure validating {}; dead-lettering it", source, e);
      result =
          new ImageValidator.Invalid(DeadLetterReason.UNKNOWN, "validation failed: " + e, null);
    }
    if (result instanceof ImageValidator.Invalid bad) {
      forwardDeadLetter(
          record.key(),
          record.value(),
          record.timestamp(),
          source,
          bad.eventId(),
          bad.reason(),
          bad.message());
      return;
    }
    ImageValidator.Valid ok = (ImageValidator.Valid) result;
    ImageEvent event = ok.event();
    PendingEvent pending =
        new PendingEvent(
            record.key(),
            event.getEventId(),
            event.getEventTime().toEpochMilli(),
            event.getLabel() == null ? -1 : event.getLabel(),
            receivedAtMicros,
            record.timestamp(),
            source.topic(),
            source.partition(),
            source.offset(),
            ok.image().pixels());
    long seq = nextSeq++;
    store.put(seq, pending);
    buffer.addLast(KeyValue.pair(seq, pending));
    if (batching.arrived(buffer.size())) {
      flush();
    }
  }

  @Override
  public void close() {
    // Pending events stay in the store: the last commit has them, the next owner classifies them.
    buffer.clear();
  }

  /** Classifies every buffered event, batch by batch, while a model can serve. */
  private void flush() {
    while (!buffer.isEmpty()) {
      Optional<ModelLease> lease = registry.acquire();
      if (lease.isEmpty()) {
        if (!waitingForModel) {
          LOG.warn(
              "Task {}: no model of {} can serve yet; {} events stay pending in the store",
              context.taskId(),
              registry.modelName(),
              buffer.size());
          waitingForModel = true;
        }
        return;
      }
      waitingForModel = false;
      try (ModelLease held = lease.get()) {
        int batchSize = batching.maxBatch();
        List<KeyValue<Long, PendingEvent>> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && !buffer.isEmpty()) {
          batch.add(buffer.pollFirst());
        }
        long start = System.nanoTime();
        classify(batch, held.routing());
        batching.classified(batch.size(), System.nanoTime() - start);
      }
    }
  }

  private void classify(List<KeyValue<Long, PendingEvent>> batch, Routing routing) {
    int n = batch.size();
    Route[] routes = new Route[n];
    // indices of the batch by route, in arrival order (primitive: this runs for every batch)
    int[][] byRoute = new int[ROUTES.length][];
    int[] counts = new int[ROUTES.length];
    for (int i = 0; i < n; i++) {
      routes[i] = routing.routeOf(batch.get(i).value.key());
      int r = routes[i].ordinal();
      if (byRoute[r] == null) {
        byRoute[r] = new int[n];
      }
      byRoute[r][counts[r]++] = i;
    }
    float[][] probabilities = new float[n][];
    for (Route route : ROUTES) {
      int r = route.ordinal();
      if (counts[r] > 0) {
        infer(routing.model(route), batch, byRoute[r], counts[r], probabilities);
      }
    }
    float[][] shadow = null;
    if (routing.shadow() != null) {
      shadow = new float[n][];
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      infer(routing.shadow(), batch, all, n, shadow);
    }
    // The sampled canary events, scored by the active version too: the canary's paired baseline.
    float[][] baseline = null;
    int[] sampled = new int[n];
    int sampledCount = 0;
    for (int i = 0; i < n; i++) {
      if (routes[i] == Route.CANARY && routing.isPaired(batch.get(i).value.eventId())) {
        sampled[sampledCount++] = i;
      }
    }
    if (sampledCount > 0) {
      baseline = new float[n][];
      infer(routing.active(), batch, sampled, sampledCount, baseline);
    }
    Instant now = clock.instant();
    long nowMicros = micros(now);
    int[] served = new int[ROUTES.length];
    int shadowServed = 0;
    int reviewed = 0;
    int baselineServed = 0;
    for (int i = 0; i < n; i++) {
      PendingEvent event = batch.get(i).value;
      long latency = nowMicros - event.receivedAtMicros();
      if (probabilities[i] != null) {
        LoadedModel model = routing.model(routes[i]);
        Prediction prediction = prediction(event, model, routes[i], probabilities[i], latency, now);
        context.forward(
            new Record<byte[], SpecificRecord>(event.key(), prediction, event.timestamp()),
            ClassifierTopology.PREDICTIONS_SINK);
        if (prediction.getConfidence() < reviewThreshold) {
          context.forward(
              new Record<byte[], SpecificRecord>(
                  event.key(), reviewRequest(event, prediction), event.timestamp()),
              ClassifierTopology.REVIEW_SINK);
          reviewed++;
        }
        served[routes[i].ordinal()]++;
        metrics.eventLatency(latency);
      } else {
        forwardDeadLetter(
            event.key(),
            null,
            event.timestamp(),
            new Source(event.sourceTopic(), event.partition(), event.offset()),
            event.eventId(),
            DeadLetterReason.INFERENCE_FAILED,
            "model "
                + routing.model(routes[i])
                + " failed to classify the event; the original value is at "
                + event.sourceTopic()
                + "-"
                + event.partition()
                + "@"
                + event.offset());
      }
      if (shadow != null && shadow[i] != null) {
        context.forward(
            new Record<byte[], SpecificRecord>(
                event.key(),
                prediction(event, routing.shadow(), Route.SHADOW, shadow[i], latency, now),
                event.timestamp()),
            ClassifierTopology.SHADOW_SINK);
        shadowServed++;
      }
      if (baseline != null && baseline[i] != null) {
        context.forward(
            new Record<byte[], SpecificRecord>(
                event.key(),
                prediction(event, routing.active(), Route.BASELINE, baseline[i], latency, now),
                event.timestamp()),
            ClassifierTopology.SHADOW_SINK);
        baselineServed++;
      }
      // put(null), not delete(): a delete reads the old value back and deserializes it, for nothing
      store.put(batch.get(i).key, null);
    }
    for (Route route : List.of(Route.ACTIVE, Route.CANARY)) {
      if (served[route.ordinal()] > 0) {
        metrics.predictions(route, routing.model(route).version(), served[route.ordinal()]);
      }
    }
    if (reviewed > 0) {
      metrics.reviewRequests(reviewed);
    }
    if (shadowServed > 0) {
      metrics.predictions(Route.SHADOW, routing.shadow().version(), shadowServed);
    }
    if (baselineServed > 0) {
      metrics.predictions(Route.BASELINE, routing.active().version(), baselineServed);
    }
  }

  /**
   * Normalizes the images of {@code indices} with the model's own input contract and classifies
   * them in one forward pass; on failure, one by one, so one bad input cannot fail its neighbours.
   * Leaves {@code out[i]} null for an event that cannot be classified.
   */
  private void infer(
      LoadedModel model,
      List<KeyValue<Long, PendingEvent>> batch,
      int[] indices,
      int count,
      float[][] out) {
    InputNormalizer normalizer = model.normalizer();
    int pixels = normalizer.pixelsPerImage();
    long start = System.nanoTime();
    float[] input = staging(count * pixels);
    for (int k = 0; k < count; k++) {
      byte[] image = batch.get(indices[k]).value.pixels();
      if (image.length != pixels) {
        throw new IllegalStateException(
            model + " expects " + pixels + " pixels, pending events have " + image.length);
      }
      normalizer.normalize(image, 0, input, k * pixels);
    }
    try {
      float[] probabilities = model.predict(input, count);
      for (int k = 0; k < count; k++) {
        out[indices[k]] =
            Arrays.copyOfRange(
                probabilities, k * Architecture.CLASSES, (k + 1) * Architecture.CLASSES);
      }
      metrics.batch(count, System.nanoTime() - start);
    } catch (RuntimeException e) {
      LOG.warn("Forward pass of {} events on {} failed; retrying one by one", count, model, e);
      for (int k = 0; k < count; k++) {
        try {
          out[indices[k]] =
              model.predict(Arrays.copyOfRange(input, k * pixels, (k + 1) * pixels), 1);
        } catch (RuntimeException single) {
          LOG.warn("{} cannot classify event {}", model, batch.get(indices[k]).value.eventId());
        }
      }
    }
  }

  /**
   * The normalized input of a forward pass, reused from batch to batch (a processor runs on one
   * stream thread; {@code LoadedModel.predict} copies its input into native memory and keeps no
   * reference to it). Only its first {@code length} floats are meaningful.
   */
  private float[] staging(int length) {
    if (staging.length < length) {
      staging = new float[length];
    }
    return staging;
  }

  private static Prediction prediction(
      PendingEvent event,
      LoadedModel model,
      Route route,
      float[] probabilities,
      long latencyMicros,
      Instant now) {
    int best = 0;
    List<Float> list = new ArrayList<>(probabilities.length);
    for (int k = 0; k < probabilities.length; k++) {
      list.add(probabilities[k]);
      if (probabilities[k] > probabilities[best]) {
        best = k;
      }
    }
    return Prediction.newBuilder()
        .setEventId(event.eventId())
        .setEventTime(Instant.ofEpochMilli(event.eventTime()))
        .setModelName(model.name())
        .setModelVersion(model.version())
        .setPredictedClass(best)
        .setConfidence(probabilities[best])
        .setProbabilities(list)
        .setRoute(route)
        .setLatencyMicros(Math.max(0, latencyMicros))
        .setProcessedAt(now)
        .setLabel(event.labelOrNull())
        .build();
  }

  private ReviewRequest reviewRequest(PendingEvent event, Prediction prediction) {
    return ReviewRequest.newBuilder()
        .setEventId(prediction.getEventId())
        .setEventTime(prediction.getEventTime())
        .setModelName(prediction.getModelName())
        .setModelVersion(prediction.getModelVersion())
        .setRoute(prediction.getRoute().name())
        .setPredictedClass(prediction.getPredictedClass())
        .setConfidence(prediction.getConfidence())
        .setProbabilities(prediction.getProbabilities())
        .setReason(ReviewReason.LOW_CONFIDENCE)
        .setThreshold(reviewThreshold)
        .setWidth(ImageValidator.INPUT_SIDE)
        .setHeight(ImageValidator.INPUT_SIDE)
        .setPixels(ByteBuffer.wrap(event.pixels()))
        .setSourceTopic(event.sourceTopic())
        .setSourcePartition(event.partition())
        .setSourceOffset(event.offset())
        .setRequestedAt(prediction.getProcessedAt())
        .build();
  }

  private void forwardDeadLetter(
      byte[] key,
      byte[] value,
      long timestamp,
      Source source,
      String eventId,
      DeadLetterReason reason,
      String message) {
    DeadLetter letter =
        DeadLetters.of(
            source.topic(),
            source.partition(),
            source.offset(),
            eventId,
            reason,
            message,
            key,
            value,
            clock.instant());
    context.forward(
        new Record<byte[], SpecificRecord>(key, letter, timestamp),
        ClassifierTopology.DEAD_LETTERS_SINK);
    metrics.deadLetter(reason);
    LOG.debug("Dead letter for {} ({}): {}", source, reason, message);
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** Where a record came from; unknown coordinates are "" and -1. */
  private record Source(String topic, int partition, long offset) {
    static Source of(Optional<RecordMetadata> metadata) {
      return metadata
          .map(m -> new Source(m.topic(), m.partition(), m.offset()))
          .orElse(new Source("", -1, -1));
    }

    @Override
    public String toString() {
      return topic + "-" + partition + "@" + offset;
    }
  }
}
