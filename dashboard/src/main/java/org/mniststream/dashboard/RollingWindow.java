package org.mniststream.dashboard;

/**
 * Per-second figures of the last {@link #SECONDS} seconds in a ring: predictions, dead letters, and
 * the end-to-end and in-app latency histograms of the predictions. A record is filed under the
 * second its own timestamp names (a prediction's {@code processedAt}), so the figures describe the
 * stream, not when the dashboard happened to poll; a timestamp ahead of the clock counts in the
 * current second, one older than the window counts nowhere. Memory is fixed. Not thread-safe.
 */
final class RollingWindow {
  static final int SECONDS = 300;

  private final long[] secondOf = new long[SECONDS];
  private final long[] predictions = new long[SECONDS];
  private final long[] deadLetters = new long[SECONDS];
  private final long[] labelled = new long[SECONDS];
  private final long[] correct = new long[SECONDS];
  private final LatencyHistogram[] endToEnd = new LatencyHistogram[SECONDS];
  private final LatencyHistogram[] inApp = new LatencyHistogram[SECONDS];

  RollingWindow() {
    java.util.Arrays.fill(secondOf, Long.MIN_VALUE);
    for (int i = 0; i < SECONDS; i++) {
      endToEnd[i] = new LatencyHistogram();
      inApp[i] = new LatencyHistogram();
    }
  }

  /**
   * A served prediction.
   *
   * @param label whether it had a ground-truth label
   * @param right whether it matched that label
   */
  void prediction(
      long atMillis,
      long nowMillis,
      long endToEndMicros,
      long inAppMicros,
      boolean label,
      boolean right) {
    int slot = slot(atMillis, nowMillis);
    if (slot >= 0) {
      predictions[slot]++;
      if (label) {
        labelled[slot]++;
        if (right) {
          correct[slot]++;
        }
      }
      endToEnd[slot].record(endToEndMicros);
      inApp[slot].record(inAppMicros);
    }
  }

  void deadLetter(long atMillis, long nowMillis) {
    int slot = slot(atMillis, nowMillis);
    if (slot >= 0) {
      deadLetters[slot]++;
    }
  }

  /** Predictions per second over the {@code seconds} complete seconds before now. */
  double predictionRate(long nowMillis, int seconds) {
    long now = Math.floorDiv(nowMillis, 1000);
    long sum = 0;
    for (long s = now - seconds; s < now; s++) {
      int slot = live(s, now);
      if (slot >= 0) {
        sum += predictions[slot];
      }
    }
    return (double) sum / seconds;
  }

  /** The end-to-end and in-app histograms merged over the {@code seconds} seconds up to now. */
  LatencyHistogram[] latencies(long nowMillis, int seconds) {
    long now = Math.floorDiv(nowMillis, 1000);
    LatencyHistogram e2e = new LatencyHistogram();
    LatencyHistogram app = new LatencyHistogram();
    for (long s = now - seconds + 1; s <= now; s++) {
      int slot = live(s, now);
      if (slot >= 0) {
        e2e.add(endToEnd[slot]);
        app.add(inApp[slot]);
      }
    }
    return new LatencyHistogram[] {e2e, app};
  }

  /**
   * Writes the complete seconds of the window, oldest first: {@code start} (epoch second of the
   * first entry), then arrays of predictions, dead letters, labelled and correct predictions, and
   * end-to-end p50/p99 in ms ({@code null} for a second without predictions).
   */
  void writeSeries(Json j, long nowMillis) {
    long now = Math.floorDiv(nowMillis, 1000);
    long first = now - SECONDS + 1;
    j.beginObject().name("start").value(first).name("seconds").value(SECONDS - 1);
    writeCounts(j, "predictions", predictions, first, now);
    writeCounts(j, "deadLetters", deadLetters, first, now);
    writeCounts(j, "labelled", labelled, first, now);
    writeCounts(j, "correct", correct, first, now);
    writeQuantiles(j, "p50", first, now, 0.50);
    writeQuantiles(j, "p99", first, now, 0.99);
    j.endObject();
  }

  private void writeCounts(Json j, String name, long[] counts, long first, long now) {
    j.name(name).beginArray();
    for (long s = first; s < now; s++) {
      int slot = live(s, now);
      j.value(slot < 0 ? 0 : counts[slot]);
    }
    j.endArray();
  }

  private void writeQuantiles(Json j, String name, long first, long now, double q) {
    j.name(name).beginArray();
    for (long s = first; s < now; s++) {
      int slot = live(s, now);
      if (slot < 0 || endToEnd[slot].count() == 0) {
        j.nullValue();
      } else {
        j.value(round(endToEnd[slot].quantile(q) / 1000.0));
      }
    }
    j.endArray();
  }

  /** Two decimals are plenty for the page; NaN and infinities stay as they are. */
  static double round(double v) {
    if (!Double.isFinite(v)) {
      return v;
    }
    return Math.round(v * 100) / 100.0;
  }

  /** The slot for a record at {@code atMillis}, reset if it held an older second; -1 if too old. */
  private int slot(long atMillis, long nowMillis) {
    long now = Math.floorDiv(nowMillis, 1000);
    long second = Math.min(Math.floorDiv(atMillis, 1000), now);
    if (second <= now - SECONDS) {
      return -1;
    }
    int slot = (int) Math.floorMod(second, SECONDS);
    if (secondOf[slot] != second) {
      secondOf[slot] = second;
      predictions[slot] = 0;
      deadLetters[slot] = 0;
      labelled[slot] = 0;
      correct[slot] = 0;
      endToEnd[slot].clear();
      inApp[slot].clear();
    }
    return slot;
  }

  private int live(long second, long now) {
    if (second <= now - SECONDS || second > now) {
      return -1;
    }
    int slot = (int) Math.floorMod(second, SECONDS);
    return secondOf[slot] == second ? slot : -1;
  }
}
