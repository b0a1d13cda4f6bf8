package org.mniststream.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How fast a backlog drained, from the broker's append times of the output records (a topic with
 * {@code message.timestamp.type=LogAppendTime}): the rate from the first to the last output record,
 * and the records appended in each second from the first one, which shows the cold start.
 *
 * @param records output records counted
 * @param firstMillis append time of the first
 * @param lastMillis append time of the last
 * @param perSecond records appended in each second from the first one (the last second is partial)
 */
record DrainCurve(long records, long firstMillis, long lastMillis, List<Long> perSecond) {
  /** The first seconds, whose rate the cold-start figure compares with the rest. */
  static final int COLD_SECONDS = 5;

  static DrainCurve of(long[] appendTimesMillis) {
    if (appendTimesMillis.length == 0) {
      return new DrainCurve(0, 0, 0, List.of());
    }
    long[] t = appendTimesMillis.clone();
    Arrays.sort(t);
    long first = t[0];
    long last = t[t.length - 1];
    long[] buckets = new long[(int) ((last - first) / 1000) + 1];
    for (long time : t) {
      buckets[(int) ((time - first) / 1000)]++;
    }
    return new DrainCurve(
        t.length, first, last, Arrays.stream(buckets).boxed().collect(Collectors.toList()));
  }

  /** Records per second from the first to the last output record. */
  double ratePerSecond() {
    long span = lastMillis - firstMillis;
    return records < 2 || span == 0 ? Double.NaN : (records - 1) * 1000.0 / span;
  }

  /**
   * The rate of the first {@link #COLD_SECONDS} seconds as a fraction of the rate after them; NaN
   * when the drain did not outlast them by at least one whole second.
   */
  double coldStartFraction() {
    if (perSecond.size() < COLD_SECONDS + 2) {
      return Double.NaN;
    }
    long cold = perSecond.subList(0, COLD_SECONDS).stream().mapToLong(Long::longValue).sum();
    long after = records - cold;
    double afterSeconds = (lastMillis - firstMillis) / 1000.0 - COLD_SECONDS;
    return (cold / (double) COLD_SECONDS) / (after / afterSeconds);
  }

  String describe() {
    return String.format(
        Locale.ROOT,
        "%d records in %.1f s: %.0f events/s; %s; per second: %s",
        records,
        (lastMillis - firstMillis) / 1000.0,
        ratePerSecond(),
        coldStartText(),
        perSecond);
  }

  /** The cold-start figure in words: a drain too short for it says so instead of "NaN %". */
  String coldStartText() {
    double fraction = coldStartFraction();
    return Double.isNaN(fraction)
        ? "drained before the first " + COLD_SECONDS + " s were over (no cold-start figure)"
        : String.format(
            Locale.ROOT,
            "first %d s at %.0f %% of the rate after them",
            COLD_SECONDS,
            100 * fraction);
  }

  /** The cold-start percentage for a table column, or "-" for a drain too short for it. */
  String coldStartColumn() {
    double fraction = coldStartFraction();
    return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.0f", 100 * fraction);
  }
}
