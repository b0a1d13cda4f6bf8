package org.mniststream.app.quality;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.mniststream.app.quality.EventState.Scored;
import org.mniststream.schemas.CalibrationBin;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.QualityReport;

/**
 * One {@link QualityReport} being updated: the counts move by the change of one prediction's {@link
 * Outcome} (old out, new in), and {@link #build} derives every figure from the counts. Counts only,
 * integers only: the same predictions and labels give the same report in any order.
 */
final class ReportBuilder {
  static final int CLASSES = 10;
  static final int BINS = 10;
  private static final long MICROS = 1_000_000;

  private final ReportKey key;
  private final long[] confusion = new long[CLASSES * CLASSES];
  private final long[] binCount = new long[BINS];
  private final long[] binCorrect = new long[BINS];
  private final long[] binConfidence = new long[BINS];
  // By baseline version: {pairs, b, c}. One baseline route per report's route (SHADOW against
  // ACTIVE, CANARY against BASELINE), so the version is key enough.
  private final TreeMap<Long, long[]> comparisons = new TreeMap<>();
  private Long firstPredictionAt;
  private Long lastLabelAt;
  private long labelled;
  private long correct;
  private long confidenceMicros;
  private long duplicates;
  private long conflicts;
  private long late;
  private ByteBuffer histogramBytes;
  private long p50;
  private long p99;
  private LatencyHistogram histogram; // decoded only when a latency is recorded

  private ReportBuilder(ReportKey key) {
    this.key = key;
  }

  static ReportBuilder empty(ReportKey key) {
    ReportBuilder b = new ReportBuilder(key);
    b.histogram = LatencyHistogram.empty();
    return b;
  }

  static ReportBuilder from(ReportKey key, QualityReport r) {
    ReportBuilder b = new ReportBuilder(key);
    for (int i = 0; i < b.confusion.length; i++) {
      b.confusion[i] = r.getConfusion().get(i);
    }
    for (int i = 0; i < BINS; i++) {
      CalibrationBin bin = r.getCalibration().get(i);
      b.binCount[i] = bin.getCount();
      b.binCorrect[i] = bin.getCorrect();
      b.binConfidence[i] = bin.getConfidenceMicrosSum();
    }
    for (PairedComparison c : r.getComparisons()) {
      b.comparisons.put(
          c.getBaselineVersion(),
          new long[] {c.getPairs(), c.getBaselineOnlyCorrect(), c.getChallengerOnlyCorrect()});
    }
    b.firstPredictionAt =
        r.getFirstPredictionAt() == null ? null : millis(r.getFirstPredictionAt());
    b.lastLabelAt = r.getLastLabelAt() == null ? null : millis(r.getLastLabelAt());
    b.labelled = r.getLabelled();
    b.correct = r.getCorrect();
    b.confidenceMicros = r.getConfidenceMicrosSum();
    b.duplicates = r.getDuplicateLabels();
    b.conflicts = r.getConflictingLabels();
    b.late = r.getLateLabels();
    b.histogramBytes = r.getLatencyHistogram();
    b.p50 = r.getLatencyP50Ms();
    b.p99 = r.getLatencyP99Ms();
    return b;
  }

  /** Moves the counts of prediction {@code p} from outcome {@code before} to {@code after}. */
  void change(Scored p, Outcome before, Outcome after) {
    if (before.labelled()) {
      count(p, before, -1);
    }
    if (after.labelled()) {
      count(p, after, +1);
      lastLabelAt = lastLabelAt == null ? after.labelAt() : Math.max(lastLabelAt, after.labelAt());
      if (!before.labelled()) {
        latency().record(p.latencyMillis());
        firstPredictionAt =
            firstPredictionAt == null
                ? p.processedAt()
                : Math.min(firstPredictionAt, p.processedAt());
      }
    }
    late += after.late() - before.late();
    duplicates += after.duplicates() - before.duplicates();
    conflicts += after.conflicts() - before.conflicts();
  }

  /**
   * Moves one pair (this report's challenger prediction and the baseline's, on one event) from one
   * state to another; a pair is counted once both are labelled.
   */
  void changePair(long baselineVersion, Pair before, Pair after) {
    long[] counts = comparisons.computeIfAbsent(baselineVersion, v -> new long[3]);
    before.addTo(counts, -1);
    after.addTo(counts, +1);
  }

  private void count(Scored p, Outcome o, int sign) {
    boolean right = o.correct(p);
    int bin = (int) Math.min(BINS - 1, p.confidenceMicros() * BINS / MICROS);
    labelled += sign;
    correct += right ? sign : 0;
    confusion[o.label() * CLASSES + p.predictedClass()] += sign;
    confidenceMicros += sign * p.confidenceMicros();
    binCount[bin] += sign;
    binCorrect[bin] += right ? sign : 0;
    binConfidence[bin] += sign * p.confidenceMicros();
  }

  private LatencyHistogram latency() {
    if (histogram == null) {
      histogram = LatencyHistogram.decode(histogramBytes);
    }
    return histogram;
  }

  QualityReport build() {
    Interval accuracy = Interval.wilson(correct, labelled);
    List<CalibrationBin> bins = new ArrayList<>(BINS);
    double calibrationError = 0;
    for (int i = 0; i < BINS; i++) {
      bins.add(new CalibrationBin(binCount[i], binCorrect[i], binConfidence[i]));
      if (labelled > 0) {
        calibrationError += Math.abs(binCorrect[i] - binConfidence[i] / (double) MICROS) / labelled;
      }
    }
    List<PairedComparison> pairs = new ArrayList<>();
    String baselineRoute = QualityEngine.baselineRouteOf(key.route());
    comparisons.forEach(
        (version, c) -> {
          Interval d = Interval.pairedDifference(c[1], c[2], c[0]);
          pairs.add(
              new PairedComparison(
                  version,
                  baselineRoute,
                  c[0],
                  c[1],
                  c[2],
                  McNemar.exactPValue(c[1], c[2]),
                  c[0] == 0 ? 0.0 : (c[2] - c[1]) / (double) c[0],
                  d.low(),
                  d.high()));
        });
    List<Long> matrix = new ArrayList<>(confusion.length);
    for (long n : confusion) {
      matrix.add(n);
    }
    if (histogram != null) {
      histogramBytes = histogram.encode();
      p50 = histogram.percentile(50);
      p99 = histogram.percentile(99);
    }
    return QualityReport.newBuilder()
        .setModelName(key.modelName())
        .setModelVersion(key.version())
        .setRoute(key.route())
        .setWindow(key.window())
        .setWindowStart(key.windowStart() == null ? null : Instant.ofEpochMilli(key.windowStart()))
        .setWindowEnd(key.windowEnd() == null ? null : Instant.ofEpochMilli(key.windowEnd()))
        .setFirstPredictionAt(
            firstPredictionAt == null ? null : Instant.ofEpochMilli(firstPredictionAt))
        .setLastLabelAt(lastLabelAt == null ? null : Instant.ofEpochMilli(lastLabelAt))
        .setLabelled(labelled)
        .setCorrect(correct)
        .setAccuracy(labelled == 0 ? 0.0 : correct / (double) labelled)
        .setAccuracyLow(accuracy.low())
        .setAccuracyHigh(accuracy.high())
        .setConfusion(matrix)
        .setConfidenceMicrosSum(confidenceMicros)
        .setMeanConfidence(labelled == 0 ? 0.0 : confidenceMicros / (double) MICROS / labelled)
        .setCalibration(bins)
        .setCalibrationError(calibrationError)
        .setLatencyHistogram(histogramBytes)
        .setLatencyP50Ms(p50)
        .setLatencyP99Ms(p99)
        .setDuplicateLabels(duplicates)
        .setConflictingLabels(conflicts)
        .setLateLabels(late)
        .setComparisons(pairs)
        .build();
  }

  private static long millis(Instant t) {
    return t.toEpochMilli();
  }

  /**
   * One event scored by a baseline and a challenger: counted once both are labelled.
   *
   * @param counted both are labelled
   * @param baselineRight the baseline's prediction is the label
   * @param challengerRight the challenger's prediction is the label
   */
  record Pair(boolean counted, boolean baselineRight, boolean challengerRight) {
    static final Pair NONE = new Pair(false, false, false);

    static Pair of(Scored baseline, Outcome b, Scored challenger, Outcome c) {
      if (!b.labelled() || !c.labelled()) {
        return NONE;
      }
      return new Pair(true, b.correct(baseline), c.correct(challenger));
    }

    void addTo(long[] counts, int sign) {
      if (!counted) {
        return;
      }
      counts[0] += sign;
      counts[1] += baselineRight && !challengerRight ? sign : 0;
      counts[2] += challengerRight && !baselineRight ? sign : 0;
    }
  }
}
