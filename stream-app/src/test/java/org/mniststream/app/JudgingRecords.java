package org.mniststream.app;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.mniststream.schemas.CalibrationBin;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.QualityReport;

/** Quality reports and judge decisions as the quality app and the judge write them. */
final class JudgingRecords {
  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  private JudgingRecords() {}

  /** The key of a report on the quality topic. */
  static String qualityKey(String model, long version, String route, String window) {
    return String.format("%s/%010d/%s/%s", model, version, route, window);
  }

  /** An {@code all}-window report with the given figures (the derived ones as given). */
  static QualityReport report(
      String model,
      long version,
      String route,
      long labelled,
      double accuracy,
      double low,
      double high,
      List<PairedComparison> comparisons) {
    List<CalibrationBin> bins = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      bins.add(
          CalibrationBin.newBuilder().setCount(0).setCorrect(0).setConfidenceMicrosSum(0).build());
    }
    return QualityReport.newBuilder()
        .setModelName(model)
        .setModelVersion(version)
        .setRoute(route)
        .setWindow("all")
        .setLabelled(labelled)
        .setCorrect(Math.round(labelled * accuracy))
        .setAccuracy(accuracy)
        .setAccuracyLow(low)
        .setAccuracyHigh(high)
        .setConfusion(Collections.nCopies(100, 0L))
        .setConfidenceMicrosSum(0)
        .setMeanConfidence(0.962)
        .setCalibration(bins)
        .setCalibrationError(0.011)
        .setLatencyHistogram(ByteBuffer.allocate(0))
        .setLatencyP50Ms(12)
        .setLatencyP99Ms(80)
        .setDuplicateLabels(0)
        .setConflictingLabels(0)
        .setLateLabels(0)
        .setComparisons(comparisons)
        .build();
  }

  static PairedComparison comparison(
      long baseline, long pairs, long b, long c, double p, double diff, double low, double high) {
    return PairedComparison.newBuilder()
        .setBaselineVersion(baseline)
        .setBaselineRoute("ACTIVE")
        .setPairs(pairs)
        .setBaselineOnlyCorrect(b)
        .setChallengerOnlyCorrect(c)
        .setPValue(p)
        .setDifference(diff)
        .setDifferenceLow(low)
        .setDifferenceHigh(high)
        .build();
  }

  /** A decision of the judge on stage {@code stage} of {@code candidate}, at T0 + minutes. */
  static JudgeDecision decision(
      String model,
      long candidate,
      int stage,
      String stageName,
      String action,
      String nextStageName,
      String rule,
      long minutes) {
    return JudgeDecision.newBuilder()
        .setDecisionId(String.format("%s/%010d/%d/%d", model, candidate, stage, 0))
        .setModelName(model)
        .setCandidateVersion(candidate)
        .setBaselineVersion(candidate - 1)
        .setStage(stage)
        .setStageName(stageName)
        .setRoute(stage == 0 ? "SHADOW" : "CANARY")
        .setAction(action)
        .setNextStage(nextStageName == null ? null : stage + 1)
        .setNextStageName(nextStageName)
        .setRule(rule)
        .setReason(rule + " after " + minutes + " min")
        .setDecidedAt(T0.plusSeconds(60 * minutes))
        .setStageStartedAt(T0)
        .setInputKey(qualityKey(model, candidate, stage == 0 ? "SHADOW" : "CANARY", "all"))
        .setLabelled(1000)
        .setPairs(1000)
        .setBaselineOnlyCorrect(3)
        .setChallengerOnlyCorrect(5)
        .setDifference(0.002)
        .setEvidenceWorse(0.1)
        .setEvidenceNotWorse(200)
        .setThreshold(60)
        .setPolicyMaxAccuracyDrop(0.01)
        .setPolicyAlpha(0.05)
        .build();
  }
}
