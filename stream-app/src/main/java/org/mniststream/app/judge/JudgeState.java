package org.mniststream.app.judge;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the judge keeps of one model (its store's value, JSON): the judged rollout in force, where
 * its stage started, and the latest {@code all} report of each version and route, reduced to what
 * the rules read. Immutable.
 *
 * @param rollout the judged rollout in force (Avro single-object bytes); null when none is judged
 * @param judgingId {@code <model>/<candidate>/<stage 0's start, epoch ms>}: one judged rollout
 * @param stageStart the candidate's counts on the stage's route when the stage began
 * @param test the stage's sequential test, fed with the stage's pairs as they grow
 * @param reports latest counts per {@code <version>/<route>}
 * @param streamTime the largest timestamp of the model's quality records: the judge's clock
 */
record JudgeState(
    byte[] rollout,
    String judgingId,
    Counts stageStart,
    PairedSequentialTest test,
    Map<String, Counts> reports,
    long streamTime) {

  static final JudgeState EMPTY =
      new JudgeState(null, null, Counts.ZERO, PairedSequentialTest.START, Map.of(), Long.MIN_VALUE);

  JudgeState {
    reports = new TreeMap<>(reports);
    stageStart = stageStart == null ? Counts.ZERO : stageStart;
    test = test == null ? PairedSequentialTest.START : test;
  }

  static String reportKey(long version, String route) {
    return version + "/" + route;
  }

  Counts counts(long version, String route) {
    return reports.getOrDefault(reportKey(version, route), Counts.ZERO);
  }

  JudgeState withReport(long version, String route, Counts counts, long timestamp) {
    Map<String, Counts> r = new TreeMap<>(reports);
    r.put(reportKey(version, route), counts);
    return new JudgeState(rollout, judgingId, stageStart, test, r, Math.max(streamTime, timestamp));
  }

  /** Judging {@code rollout}'s stage from its start: a fresh test. */
  JudgeState judging(byte[] rollout, String judgingId, Counts stageStart) {
    return new JudgeState(
        rollout, judgingId, stageStart, PairedSequentialTest.START, reports, streamTime);
  }

  JudgeState withTest(PairedSequentialTest test) {
    return new JudgeState(rollout, judgingId, stageStart, test, reports, streamTime);
  }

  JudgeState notJudging() {
    return new JudgeState(null, null, Counts.ZERO, PairedSequentialTest.START, reports, streamTime);
  }

  /**
   * One version's predictions on one route, as its latest {@code all} report counts them.
   *
   * @param pairs the paired comparisons by baseline version
   */
  record Counts(long labelled, long p99Ms, Map<Long, Pair> pairs) {
    static final Counts ZERO = new Counts(0, 0, Map.of());

    Counts {
      pairs = new TreeMap<>(pairs);
    }

    Pair pairsWith(long baseline) {
      return pairs.getOrDefault(baseline, Pair.ZERO);
    }
  }

  /** Paired counts: events scored by both, only the baseline right, only the candidate right. */
  record Pair(long n, long b, long c) {
    static final Pair ZERO = new Pair(0, 0, 0);

    /** These counts less those at the start of a stage (never below zero: labels can change). */
    Pair since(Pair start) {
      long db = Math.max(0, b - start.b);
      long dc = Math.max(0, c - start.c);
      return new Pair(Math.max(db + dc, n - start.n), db, dc);
    }
  }
}
