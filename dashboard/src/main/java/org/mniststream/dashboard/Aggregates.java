package org.mniststream.dashboard;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
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
 * under route SHADOW, so a shadow version can be compared live with the one serving.
 *
 * <p>The consumer thread writes, the snapshot thread reads: every method is synchronized (one short
 * critical section per record).
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
   * @return the JSON of the outcome when it answers a digit drawn on the page
   */
  synchronized Optional<String> prediction(Prediction p, boolean shadow) {
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
    return Optional.of(d.toJson());
  }

  /**
   * A dead letter.
   *
   * @return the JSON of the outcome when it answers a digit drawn on the page
   */
  synchronized Optional<String> deadLetter(DeadLetter letter) {
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
    return Optional.of(d.toJson());
  }

  /** A record of {@code topic} that does not decode with the contract's serde. */
  synchronized void undecodable(String topic) {
    undecodable.merge(topic, 1L, Long::sum);
  }

  /** The page sent a drawn digit as image event {@code eventId}: watch for its outcome. */
  synchronized void drawnSent(String eventId) {
    drawn.put(eventId, new Drawn(eventId, clock.instant()));
  }

  /** Sending the drawn digit failed: forget it. */
  synchronized void drawnFailed(String eventId) {
    drawn.remove(eventId);
  }

  synchronized long predictions() {
    return predictions;
  }

  /** Writes the members of the state snapshot into an open object. */
  synchronized void write(Json j) {
    long now = clock.millis();
    j.name("totals")
        .beginObject()
        .name("predictions")
        .value(predictions)
        .name("shadowPredictions")
        .value(shadowPredictions)
        .name("labelled")
        .value(labelled)
        .name("correct")
        .value(correct)
        .name("accuracy")
        .value(labelled == 0 ? Double.NaN : (double) correct / labelled)
        .name("deadLetters")
        .value(deadLetters)
        .name("imageEvents")
        .value(imageEvents)
        .name("undecodable")
        .beginObject();
    undecodable.forEach((topic, n) -> j.name(topic).value(n));
    j.endObject().endObject();

    LatencyHistogram[] lat = window.latencies(now, LATENCY_SECONDS);
    j.name("window")
        .beginObject()
        .name("rateSeconds")
        .value(RATE_SECONDS)
        .name("eventsPerSecond")
        .value(RollingWindow.round(window.predictionRate(now, RATE_SECONDS)))
        .name("latencySeconds")
        .value(LATENCY_SECONDS)
        .name("latencyCount")
        .value(lat[0].count())
        .name("e2eP50Ms")
        .value(ms(lat[0].quantile(0.50)))
        .name("e2eP99Ms")
        .value(ms(lat[0].quantile(0.99)))
        .name("appP50Ms")
        .value(ms(lat[1].quantile(0.50)))
        .name("appP99Ms")
        .value(ms(lat[1].quantile(0.99)))
        .endObject();
    j.name("series");
    window.writeSeries(j, now);

    j.name("accuracy").beginArray();
    accuracy.forEach(
        (k, c) ->
            j.beginObject()
                .name("version")
                .value(k.version())
                .name("route")
                .value(k.route())
                .name("labelled")
                .value(c[0])
                .name("correct")
                .value(c[1])
                .name("accuracy")
                .value((double) c[1] / c[0])
                .endObject());
    j.endArray();

    j.name("confusion").beginArray();
    for (int t = 0; t < 10; t++) {
      j.beginArray();
      for (int p = 0; p < 10; p++) {
        j.value(confusion[t * 10 + p]);
      }
      j.endArray();
    }
    j.endArray();

    j.name("deadLetters").beginObject().name("total").value(deadLetters).name("byReason");
    j.beginObject();
    deadByReason.entrySet().stream()
        .sorted(Map.Entry.<DeadLetterReason, Long>comparingByValue().reversed())
        .forEach(e -> j.name(e.getKey().name()).value(e.getValue()));
    j.endObject().name("latest").beginArray();
    for (DeadLetter d : latestDead) {
      j.beginObject()
          .name("reason")
          .value(d.getReason().name())
          .name("message")
          .value(truncate(d.getMessage()))
          .name("eventId")
          .value(d.getEventId())
          .name("sourceTopic")
          .value(d.getSourceTopic())
          .name("partition")
          .value(d.getPartition())
          .name("offset")
          .value(d.getOffset())
          .name("failedAt")
          .value(d.getFailedAt().toEpochMilli())
          .endObject();
    }
    j.endArray().endObject();

    j.name("recent").beginArray();
    for (Recent r : recent) {
      if (r.thumbnail == null) {
        // The image may have been read after its prediction (two topics, no order between them).
        r.thumbnail = images.get(r.prediction.getEventId());
      }
      r.write(j, drawn.containsKey(r.prediction.getEventId()));
    }
    j.endArray();

    List<Drawn> latestDrawn = new ArrayList<>(drawn.values());
    j.name("drawn").beginArray();
    for (int i = latestDrawn.size() - 1; i >= 0 && i >= latestDrawn.size() - DRAWN_SHOWN; i--) {
      latestDrawn.get(i).write(j);
    }
    j.endArray();

    j.name("imageCache")
        .beginObject()
        .name("size")
        .value(images.size())
        .name("capacity")
        .value(images.capacity())
        .endObject();
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

    void write(Json j, boolean drawn) {
      Prediction p = prediction;
      j.beginObject()
          .name("eventId")
          .value(p.getEventId())
          .name("version")
          .value(p.getModelVersion())
          .name("route")
          .value(p.getRoute().name())
          .name("predicted")
          .value(p.getPredictedClass())
          .name("confidence")
          .value(round4(p.getConfidence()))
          .name("label")
          .value(p.getLabel())
          .name("processedAt")
          .value(p.getProcessedAt().toEpochMilli())
          .name("e2eMs")
          .value(Math.max(0, p.getProcessedAt().toEpochMilli() - p.getEventTime().toEpochMilli()))
          .name("drawn")
          .value(drawn);
      if (thumbnail != null) {
        j.name("width")
            .value(thumbnail.width())
            .name("height")
            .value(thumbnail.height())
            .name("pixels")
            .value(thumbnail.base64());
      }
      j.endObject();
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

    String toJson() {
      Json j = new Json();
      write(j);
      return j.toString();
    }

    void write(Json j) {
      j.beginObject()
          .name("eventId")
          .value(eventId)
          .name("sentAt")
          .value(sentAt.toEpochMilli())
          .name("status")
          .value(
              prediction != null ? "classified" : deadLetter != null ? "dead-lettered" : "pending");
      if (prediction != null) {
        Prediction p = prediction;
        j.name("predicted")
            .value(p.getPredictedClass())
            .name("confidence")
            .value(round4(p.getConfidence()))
            .name("version")
            .value(p.getModelVersion())
            .name("route")
            .value(p.getRoute().name())
            .name("latencyMs")
            .value(Math.max(0, p.getProcessedAt().toEpochMilli() - sentAt.toEpochMilli()))
            .name("probabilities")
            .beginArray();
        for (Iterator<Float> it = p.getProbabilities().iterator(); it.hasNext(); ) {
          j.value(round4(it.next()));
        }
        j.endArray();
      }
      if (deadLetter != null) {
        j.name("reason")
            .value(deadLetter.getReason().name())
            .name("message")
            .value(truncate(deadLetter.getMessage()));
      }
      j.endObject();
    }
  }
}
