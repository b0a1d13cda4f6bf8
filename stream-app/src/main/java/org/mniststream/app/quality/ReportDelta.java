package org.mniststream.app.quality;

import org.mniststream.app.quality.EventState.Scored;
import org.mniststream.app.quality.ReportBuilder.Pair;

/**
 * One change to one report, made where an event's predictions and labels meet (partitioned by event
 * id) and applied where the report is kept (partitioned by report key): a prediction's outcome
 * moved from {@code before} to {@code after}, or a (baseline, challenger) pair moved from {@code
 * pairBefore} to {@code pairAfter}. Counts move by differences, so deltas from every partition add
 * up to the report of all of them.
 *
 * @param prediction the prediction whose outcome changed; null for a pair change
 * @param baselineVersion the baseline version of a pair change; 0 for an outcome change
 */
record ReportDelta(
    ReportKey key,
    Scored prediction,
    Outcome before,
    Outcome after,
    long baselineVersion,
    Pair pairBefore,
    Pair pairAfter) {

  static ReportDelta outcome(ReportKey key, Scored prediction, Outcome before, Outcome after) {
    return new ReportDelta(key, prediction, before, after, 0, null, null);
  }

  static ReportDelta pair(ReportKey key, long baselineVersion, Pair before, Pair after) {
    return new ReportDelta(key, null, null, null, baselineVersion, before, after);
  }

  /** Applies this change to the report being built. */
  void applyTo(ReportBuilder report) {
    if (prediction != null) {
      report.change(prediction, before, after);
    } else {
      report.changePair(baselineVersion, pairBefore, pairAfter);
    }
  }
}
