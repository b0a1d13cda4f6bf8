package org.mniststream.dashboard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
   * The complete seconds of the window, oldest first.
   *
   * @param start epoch second of the first entry
   * @param seconds how many entries each list has
   * @param p50 end-to-end median in ms per second, null for a second without predictions
   * @param p99 the same for the 99th percentile
   */
  record Series(
      long start,
      int seconds,
      List<Long> predictions,
      List<Long> deadLetters,
      List<Long> labelled,
      List<Long> correct,
      List<Double> p50,
      List<Double> p99) {}

  Series series(long nowMillis) {
    long now = Math.floorDiv(nowMillis, 1000);
    long first = now - SECONDS + 1;
    return new Series(
        first,
        SECONDS - 1,
        counts(predictions, first, now),
        counts(deadLetters, first, now),
        counts(labelled, first, now),
        counts(correct, first, now),
        quantiles(first, now, 0.50),
        quantiles(first, now, 0.99));
  }

  private List<Long> counts(long[] counts, long first, long now) {
    List<Long> out = new ArrayList<>(SECONDS);
    for (long s = first; s < now; s++) {
      int slot = live(s, now);
      out.add(slot < 0 ? 0 : counts[slot]);
    }
    return Collections.unmodifiableList(out);
  }

  private List<Double> quantiles(long first, long now, double q) {
    List<Double> out = new ArrayList<>(SECONDS);
    for (long s = first; s < now; s++) {
      int slot = live(s, now);
      out.add(
          slot < 0 || endToEnd[slot].count() == 0
              ? null
              : round(endToEnd[slot].quantile(q) / 1000.0));
    }
    return Collections.unmodifiableList(out);
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
