package org.mniststream.app.quality;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.Route;

/** Predictions and labels for the quality tests, at times counted from {@link #T0}. */
final class QualityRecords {
  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
  static final long HOUR = 3_600_000L;

  private QualityRecords() {}

  /** A prediction of {@code version} on {@code route}, made {@code atMs} after T0, 40 ms late. */
  static Prediction prediction(
      String eventId, long version, Route route, int predicted, float confidence, long atMs) {
    return prediction(eventId, version, route, predicted, confidence, atMs, null);
  }

  static Prediction prediction(
      String eventId,
      long version,
      Route route,
      int predicted,
      float confidence,
      long atMs,
      Integer inlineLabel) {
    List<Float> probabilities = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      probabilities.add(k == predicted ? confidence : (1 - confidence) / 9);
    }
    return Prediction.newBuilder()
        .setEventId(eventId)
        .setEventTime(T0.plusMillis(atMs - 40))
        .setModelName("mnist")
        .setModelVersion(version)
        .setPredictedClass(predicted)
        .setConfidence(confidence)
        .setProbabilities(probabilities)
        .setRoute(route)
        .setLatencyMicros(30_000)
        .setProcessedAt(T0.plusMillis(atMs))
        .setLabel(inlineLabel)
        .build();
  }

  static LabelEvent label(String eventId, int value, String by, long atMs) {
    return LabelEvent.newBuilder()
        .setEventId(eventId)
        .setLabel(value)
        .setLabelledBy(by)
        .setLabelledAt(T0.plusMillis(atMs))
        .build();
  }
}
