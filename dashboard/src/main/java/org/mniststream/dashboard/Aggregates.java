package org.mniststream.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.Route;

/**
 * Everything the page shows about the topics, kept as rolling aggregates of fixed size: totals, the
 * per-second window (throughput, latency), live accuracy per model version and route, the confusion
 * matrix of the served predictions, dead letters by reason, the latest predictions with their
 * thumbnails, and the digits drawn on the page with their outcome.
 *
 * <p>"Served" predictions are those of the predictions topic (routes ACTIVE and CANARY): they feed
 * the throughput, latency, confusion matrix and strip. Shadow predictions only add their accuracy,
 * under route SHADOW, so a shadow version can be compared live with the one serving; the BASELINE
 * predictions there (the active version scoring a canary's events) are left to the quality app.
 *
 * <p>The consumer thread writes, the snapshot thread reads: every method is synchronized (one short
 * critical section per record), and {@link #snapshot()} copies everything into immutable records,
 * which the caller turns into JSON outside the lock.
 */
final class Aggregates {
  static final int RECENT = 24;
  static final int DRAWN_TRACKED = 64;
  static final int DRAWN_SHOWN = 10;
  static final int DEAD_LETTER_SAMPLES = 8;
  static final int RATE_SECONDS = 10;
  static final int LATENCY_SECONDS = 60;
  private static final int MAX_MESSAGE = 240;

  private final Clock clock;
  private final ImageCache images;
  private final RollingWindow window = new RollingWindow();
  private final long[] confusion = new long[100];
  private final Map<VersionRoute, long[]> accuracy = new TreeMap<>();
  private final Map<DeadLetterReason, Long> deadByReason = new EnumMap<>(DeadLetterReason.class);
  private final ArrayDeque<DeadLetter> latestDead = new ArrayDeque<>();
  private final ArrayDeque<Recent> recent = new ArrayDeque<>();
  private final Map<String, Drawn> drawn =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Drawn> eldest) {
          return size() > DRAWN_TRACKED;
        }
      };
  private final Map<String, Long> undecodable = new TreeMap<>();
  private long predictions;
  private long shadowPredictions;
  private long labelled;
  private long correct;
  private long deadLetters;
  private long imageEvents;

  Aggregates(Clock clock, ImageCache images) {
    this.clock = clock;
    this.images = images;
  }

  /** An image event: its thumbnail goes to the cache (decoded outside the lock). */
  void image(ImageEvent event) {
    Thumbnail.of(event).ifPresent(t -> images.put(event.getEventId(), t));
    synchronized (this) {
      imageEvents++;
    }
  }

  /**
   * A prediction from the predictions topic ({@code shadow} false) or the shadow topic.
   *
   * @return the outcome when it answers a digit drawn on the page
   */
  synchronized Optional<DrawnOutcome> prediction(Prediction p, boolean shadow) {
    if (shadow && p.getRoute() == Route.BASELINE) {
      // The active version scoring a canary's event for the quality app's paired comparison: no
      // shadow version's, and the active version's accuracy is measured on what it serves.
      return Optional.empty();
    }
    Integer label = p.getLabel();
    int predicted = p.getPredictedClass();
    boolean hasLabel = label != null && label >= 0 && label <= 9;
    Route route = shadow ? Route.SHADOW : p.getRoute();
    if (hasLabel) {
      long[] counts =
          accuracy.computeIfAbsent(
              new VersionRoute(p.getModelVersion(), route.name()), k -> new long[2]);
      counts[0]++;
      if (label == predicted) {
        counts[1]++;
      }
    }
    if (shadow) {
      shadowPredictions++;
      return Optional.empty();
    }
    long now = clock.millis();
    long processedAt = p.getProcessedAt().toEpochMilli();
    long endToEndMicros = Math.max(0, processedAt - p.getEventTime().toEpochMilli()) * 1000;
    predictions++;
    window.prediction(
        processedAt,
        now,
        endToEndMicros,
        p.getLatencyMicros(),
        hasLabel,
        hasLabel && label == predicted);
    if (hasLabel) {
      labelled++;
      if (label == predicted) {
        correct++;
      }
      if (predicted >= 0 && predicted <= 9) {
        confusion[label * 10 + predicted]++;
      }
    }
    recent.addFirst(new Recent(p, images.get(p.getEventId())));
    while (recent.size() > RECENT) {
      recent.removeLast();
    }
    Drawn d = drawn.get(p.getEventId());
    if (d == null || d.prediction != null) {
      return Optional.empty();
    }
    d.prediction = p;
    return Optional.of(d.outcome());
  }

  /**
   * A dead letter.
   *
   * @return the outcome when it answers a digit drawn on the page
   */
  synchronized Optional<DrawnOutcome> deadLetter(DeadLetter letter) {
    deadLetters++;
    deadByReason.merge(letter.getReason(), 1L, Long::sum);
    window.deadLetter(letter.getFailedAt().toEpochMilli(), clock.millis());
    latestDead.addFirst(letter);
    while (latestDead.size() > DEAD_LETTER_SAMPLES) {
      latestDead.removeLast();
    }
    Drawn d = letter.getEventId() == null ? null : drawn.get(letter.getEventId());
    if (d == null || d.deadLetter != null || d.prediction != null) {
      return Optional.empty();
    }
    d.deadLetter = letter;
    return Optional.of(d.outcome());
  }

  /** A record of {@code topic} that does not decode with the contract's serde. */
  synchronized void undecodable(String topic) {
    undecodable.merge(topic, 1L, Long::sum);
  }

  /** The page sent a drawn digit as image event {@code eventId}: watch for its outcome. */
  synchronized void drawnSent(String eventId) {
    drawn.put(eventId, new Drawn(eventId, clock.instant()));
  }

  /** Whether {@code eventId} is a digit drawn on this page (one of the latest tracked). */
  synchronized boolean drawnKnown(String eventId) {
    return drawn.containsKey(eventId);
  }

  /** Sending the drawn digit failed: forget it. */
  synchronized void drawnFailed(String eventId) {
    drawn.remove(eventId);
  }

  synchronized long predictions() {
    return predictions;
  }

  /** What the page shows of the topics, as an immutable value (Jackson writes it as it is). */
  record Snapshot(
      Totals totals,
      Window window,
      RollingWindow.Series series,
      List<AccuracyRow> accuracy,
      List<List<Long>> confusion,
      DeadLetters deadLetters,
      List<RecentPrediction> recent,
      List<DrawnOutcome> drawn,
      CacheSize imageCache) {}

  /**
   * @param accuracy of the labelled served predictions, null before the first
   * @param undecodable records that do not decode, by topic
   */
  record Totals(
      long predictions,
      long shadowPredictions,
      long labelled,
      long correct,
      Double accuracy,
      long deadLetters,
      long imageEvents,
      Map<String, Long> undecodable) {}

  /** The rate over the last {@code rateSeconds}, latencies over the last {@code latencySeconds}. */
  record Window(
      int rateSeconds,
      double eventsPerSecond,
      int latencySeconds,
      long latencyCount,
      double e2eP50Ms,
      double e2eP99Ms,
      double appP50Ms,
      double appP99Ms) {}

  record AccuracyRow(long version, String route, long labelled, long correct, double accuracy) {}

  /**
   * @param byReason most frequent first
   */
  record DeadLetters(long total, Map<String, Long> byReason, List<DeadLetterSample> latest) {}

  record DeadLetterSample(
      String reason,
      String message,
      String eventId,
      String sourceTopic,
      int partition,
      long offset,
      long failedAt) {}

  /** One entry of the strip; the thumbnail fields are absent while its image is unknown. */
  record RecentPrediction(
      String eventId,
      long version,
      String route,
      int predicted,
      double confidence,
      Integer label,
      long processedAt,
      long e2eMs,
      boolean drawn,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer width,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer height,
      @JsonInclude(JsonInclude.Include.NON_NULL) String pixels) {}

  /**
   * A digit drawn on the page and what became of it: {@code status} is {@code pending}, {@code
   * classified} (with the prediction's fields) or {@code dead-lettered} (with reason and message).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record DrawnOutcome(
      String eventId,
      long sentAt,
      String status,
      Integer predicted,
      Double confidence,
      Long version,
      String route,
      Long latencyMs,
      List<Double> probabilities,
      String reason,
      String message) {}

  record CacheSize(int size, int capacity) {}

  synchronized Snapshot snapshot() {
    long now = clock.millis();
    LatencyHistogram[] lat = window.latencies(now, LATENCY_SECONDS);
    List<List<Long>> matrix = new ArrayList<>(10);
    for (int t = 0; t < 10; t++) {
      matrix.add(Arrays.stream(confusion, t * 10, t * 10 + 10).boxed().toList());
    }
    Map<String, Long> byReason = new LinkedHashMap<>();
    deadByReason.entrySet().stream()
        .sorted(Map.Entry.<DeadLetterReason, Long>comparingByValue().reversed())
        .forEach(e -> byReason.put(e.getKey().name(), e.getValue()));
    List<RecentPrediction> strip = new ArrayList<>(recent.size());
    for (Recent r : recent) {
      if (r.thumbnail == null) {
        // The image may have been read after its prediction (two topics, no order between them).
        r.thumbnail = images.get(r.prediction.getEventId());
      }
      strip.add(r.toRecord(drawn.containsKey(r.prediction.getEventId())));
    }
    List<Drawn> tracked = new ArrayList<>(drawn.values());
    List<DrawnOutcome> latestDrawn = new ArrayList<>(DRAWN_SHOWN);
    for (int i = tracked.size() - 1; i >= 0 && i >= tracked.size() - DRAWN_SHOWN; i--) {
      latestDrawn.add(tracked.get(i).outcome());
    }
    return new Snapshot(
        new Totals(
            predictions,
            shadowPredictions,
            labelled,
            correct,
            labelled == 0 ? null : (double) correct / labelled,
            deadLetters,
            imageEvents,
            Collections.unmodifiableMap(new TreeMap<>(undecodable))),
        new Window(
            RATE_SECONDS,
            RollingWindow.round(window.predictionRate(now, RATE_SECONDS)),
            LATENCY_SECONDS,
            lat[0].count(),
            ms(lat[0].quantile(0.50)),
            ms(lat[0].quantile(0.99)),
            ms(lat[1].quantile(0.50)),
            ms(lat[1].quantile(0.99))),
        window.series(now),
        accuracy.entrySet().stream()
            .map(
                e ->
                    new AccuracyRow(
                        e.getKey().version(),
                        e.getKey().route(),
                        e.getValue()[0],
                        e.getValue()[1],
                        (double) e.getValue()[1] / e.getValue()[0]))
            .toList(),
        List.copyOf(matrix),
        new DeadLetters(
            deadLetters,
            Collections.unmodifiableMap(byReason),
            latestDead.stream()
                .map(
                    d ->
                        new DeadLetterSample(
                            d.getReason().name(),
                            truncate(d.getMessage()),
                            d.getEventId(),
                            d.getSourceTopic(),
                            d.getPartition(),
                            d.getOffset(),
                            d.getFailedAt().toEpochMilli()))
                .toList()),
        Collections.unmodifiableList(strip),
        Collections.unmodifiableList(latestDrawn),
        new CacheSize(images.size(), images.capacity()));
  }

  private static double ms(double micros) {
    return RollingWindow.round(micros / 1000.0);
  }

  private static String truncate(String s) {
    return s == null || s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 1) + "…";
  }

  private static double round4(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  /** Accuracy key: version first, then route. */
  record VersionRoute(long version, String route) implements Comparable<VersionRoute> {
    private static final Comparator<VersionRoute> ORDER =
        Comparator.comparingLong(VersionRoute::version).thenComparing(VersionRoute::route);

    @Override
    public int compareTo(VersionRoute o) {
      return ORDER.compare(this, o);
    }
  }

  /** One entry of the strip. */
  private static final class Recent {
    final Prediction prediction;
    Thumbnail thumbnail;

    Recent(Prediction prediction, Thumbnail thumbnail) {
      this.prediction = prediction;
      this.thumbnail = thumbnail;
    }

    RecentPrediction toRecord(boolean drawn) {
      Prediction p = prediction;
      return new RecentPrediction(
          p.getEventId(),
          p.getModelVersion(),
          p.getRoute().name(),
          p.getPredictedClass(),
          round4(p.getConfidence()),
          p.getLabel(),
          p.getProcessedAt().toEpochMilli(),
          Math.max(0, p.getProcessedAt().toEpochMilli() - p.getEventTime().toEpochMilli()),
          drawn,
          thumbnail == null ? null : thumbnail.width(),
          thumbnail == null ? null : thumbnail.height(),
          thumbnail == null ? null : thumbnail.base64());
    }
  }

  /** A digit drawn on the page and what became of it. */
  private static final class Drawn {
    final String eventId;
    final Instant sentAt;
    Prediction prediction;
    DeadLetter deadLetter;

    Drawn(String eventId, Instant sentAt) {
      this.eventId = eventId;
      this.sentAt = sentAt;
    }

    DrawnOutcome outcome() {
      long sent = sentAt.toEpochMilli();
      if (prediction != null) {
        Prediction p = prediction;
        return new DrawnOutcome(
            eventId,
            sent,
            "classified",
            p.getPredictedClass(),
            round4(p.getConfidence()),
            p.getModelVersion(),
            p.getRoute().name(),
            Math.max(0, p.getProcessedAt().toEpochMilli() - sent),
            p.getProbabilities().stream().map(Aggregates::round4).toList(),
            null,
            null);
      }
      if (deadLetter != null) {
        return new DrawnOutcome(
            eventId,
            sent,
            "dead-lettered",
            null,
            null,
            null,
            null,
            null,
            null,
            deadLetter.getReason().name(),
            truncate(deadLetter.getMessage()));
      }
      return new DrawnOutcome(
          eventId, sent, "pending", null, null, null, null, null, null, null, null);
    }
  }
}
