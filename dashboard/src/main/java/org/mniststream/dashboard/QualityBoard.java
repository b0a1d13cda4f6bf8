package org.mniststream.dashboard;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.RolloutStage;
import org.mniststream.schemas.TopicNames;

/**
 * The quality panel's state, folded from three topics: the latest {@code all}-window {@link
 * QualityReport} per key of the quality topic, the latest {@link ModelRollout} per model, and the
 * last {@value #DECISIONS} {@link JudgeDecision}s. Pure: no Kafka, no clock.
 *
 * <p>The current challenger of a model is read off its rollout: the judged rollout's candidate on
 * its stage's route, else the canary, else the shadow; its paired comparison is the one its {@code
 * all} report on that route holds against the baseline (the judged rollout's baseline, else the
 * pinned active version, else the baseline with the most pairs).
 *
 * <p>The consumer thread writes, the snapshot thread reads: every method is synchronized, and
 * {@link #snapshot()} copies into immutable records.
 */
final class QualityBoard {
  /** Decisions kept, newest first on the page. */
  static final int DECISIONS = 50;

  /** Report rows on the page: the newest versions first. */
  static final int ROWS = 32;

  static final String ALL = "all";
  private static final int MAX_TEXT = 400;
  private static final List<String> ROUTE_ORDER = List.of("ACTIVE", "CANARY", "SHADOW", "BASELINE");

  private final Map<String, QualityReport> reports = new HashMap<>();
  private final Map<String, ModelRollout> rollouts = new TreeMap<>();
  private final Map<String, JudgeDecision> decisions =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JudgeDecision> eldest) {
          return size() > DECISIONS;
        }
      };
  private final Map<String, Long> undecodable = new TreeMap<>();
  private long windowedSkipped;

  /**
   * A record of the quality topic: the latest per key wins, a tombstone removes the key. Reports of
   * a time window ({@code PT1H@...}) are skipped: the panel shows each version since it started.
   */
  synchronized void quality(String key, QualityReport report) {
    if (report == null) {
      if (key != null) {
        reports.remove(key);
      }
      return;
    }
    if (!ALL.equals(report.getWindow())) {
      windowedSkipped++;
      return;
    }
    reports.put(key != null ? key : reportKey(report), report);
  }

  /** A record of the rollouts topic (key = model name): the latest wins, a tombstone removes it. */
  synchronized void rollout(String key, ModelRollout rollout) {
    if (rollout == null) {
      if (key != null) {
        rollouts.remove(key);
      }
      return;
    }
    rollouts.put(key != null ? key : rollout.getModelName(), rollout);
  }

  /**
   * A decision of the judge. Its id is unique per stage of a judged rollout, so one seen again is a
   * redelivery: it replaces the first, and keeps its place.
   */
  synchronized void decision(JudgeDecision decision) {
    decisions.put(decision.getDecisionId(), decision);
  }

  /** A record of {@code topic} that does not decode with the contract's serde. */
  synchronized void undecodable(String topic) {
    undecodable.merge(topic, 1L, Long::sum);
  }

  /**
   * What the page shows of quality, rollouts and decisions.
   *
   * @param reports the {@code all}-window reports, by model, newest version first, then route
   *     (ACTIVE, CANARY, SHADOW, BASELINE); at most {@value #ROWS}
   * @param rollouts one per model with a rollout record, by model name
   * @param decisions newest first (by {@code decidedAt}, then arrival)
   * @param windowedSkipped time-window reports read and not shown
   * @param undecodable records that do not decode, by topic
   */
  record Snapshot(
      List<ReportRow> reports,
      List<RolloutRow> rollouts,
      List<DecisionRow> decisions,
      long windowedSkipped,
      Map<String, Long> undecodable) {}

  /** One version on one route, since it started; fractions, not percents. */
  record ReportRow(
      String model,
      long version,
      String route,
      long labelled,
      long correct,
      double accuracy,
      double accuracyLow,
      double accuracyHigh,
      double meanConfidence,
      double calibrationError,
      long latencyP50Ms,
      long latencyP99Ms,
      Long lastLabelAt,
      long lateLabels,
      List<Comparison> comparisons) {}

  /**
   * This version against {@code baselineVersion} on the same labelled events: McNemar's b ({@code
   * baselineOnlyCorrect}) and c, the exact p-value, and the accuracy difference (a fraction, this
   * version minus the baseline) with its 95 % interval.
   */
  record Comparison(
      long baselineVersion,
      String baselineRoute,
      long pairs,
      long baselineOnlyCorrect,
      long challengerOnlyCorrect,
      double pValue,
      double difference,
      double differenceLow,
      double differenceHigh) {}

  /**
   * A model's latest rollout record. {@code judged}: a policy, a candidate, a baseline and a valid
   * stage (the judge moves it); the stage fields are null otherwise.
   *
   * @param challenger the version under comparison and its paired comparison; null when the rollout
   *     has no candidate, canary or shadow
   */
  record RolloutRow(
      String model,
      boolean judged,
      Long activeVersion,
      Long canaryVersion,
      int canaryPercent,
      Long shadowVersion,
      long issuedAt,
      String issuedBy,
      String reason,
      Long candidateVersion,
      Long baselineVersion,
      Integer stage,
      Long stageStartedAt,
      List<Stage> stages,
      Double maxAccuracyDrop,
      Double alpha,
      Long maxP99IncreaseMs,
      String onTimeout,
      Challenger challenger) {}

  record Stage(String name, String route, int percent, long minLabelled, long timeoutMs) {}

  /**
   * The current challenger: {@code version} on {@code route}, compared with {@code baselineVersion}
   * (null when the rollout follows the newest version and no comparison tells it).
   *
   * @param labelled labelled predictions of the challenger on the route; null before its first
   *     report
   * @param comparison null while no labelled event was scored by both
   */
  record Challenger(
      long version,
      String route,
      Long baselineVersion,
      Long labelled,
      Double accuracy,
      Comparison comparison) {}

  record DecisionRow(
      String decisionId,
      String model,
      long candidateVersion,
      long baselineVersion,
      int stage,
      String stageName,
      String route,
      String action,
      Integer nextStage,
      String nextStageName,
      String rule,
      String reason,
      long decidedAt,
      long stageStartedAt,
      long labelled,
      long pairs,
      double difference,
      double evidenceWorse,
      double evidenceNotWorse,
      double threshold,
      Long candidateP99Ms,
      Long baselineP99Ms) {}

  synchronized Snapshot snapshot() {
    List<QualityReport> sorted = new ArrayList<>(reports.values());
    sorted.sort(
        Comparator.comparing((QualityReport r) -> r.getModelName())
            .thenComparing(QualityReport::getModelVersion, Comparator.reverseOrder())
            .thenComparing(r -> routeRank(r.getRoute()))
            .thenComparing(QualityReport::getRoute));
    List<ReportRow> rows = sorted.stream().limit(ROWS).map(QualityBoard::row).toList();
    List<RolloutRow> rolloutRows = rollouts.values().stream().map(this::rolloutRow).toList();
    List<JudgeDecision> latest = new ArrayList<>(decisions.values());
    Collections.reverse(latest);
    // Stable: decisions of the same instant stay newest-arrived first.
    latest.sort(Comparator.comparing(JudgeDecision::getDecidedAt).reversed());
    return new Snapshot(
        rows,
        rolloutRows,
        latest.stream().map(QualityBoard::decisionRow).toList(),
        windowedSkipped,
        Collections.unmodifiableMap(new TreeMap<>(undecodable)));
  }

  private RolloutRow rolloutRow(ModelRollout r) {
    RolloutPolicy policy = r.getPolicy();
    boolean judged = judged(r);
    Challenger challenger = challenger(r, judged);
    return new RolloutRow(
        r.getModelName(),
        judged,
        r.getActiveVersion(),
        r.getCanaryVersion(),
        r.getCanaryPercent(),
        r.getShadowVersion(),
        r.getIssuedAt().toEpochMilli(),
        truncate(r.getIssuedBy()),
        truncate(r.getReason()),
        r.getCandidateVersion(),
        r.getBaselineVersion(),
        judged ? r.getStage() : null,
        judged && r.getStageStartedAt() != null ? r.getStageStartedAt().toEpochMilli() : null,
        policy == null
            ? List.of()
            : policy.getStages().stream()
                .map(
                    s ->
                        new Stage(
                            truncate(s.getName()),
                            s.getRoute(),
                            s.getPercent(),
                            s.getMinLabelled(),
                            s.getTimeoutMs()))
                .toList(),
        policy == null ? null : policy.getMaxAccuracyDrop(),
        policy == null ? null : policy.getAlpha(),
        policy == null ? null : policy.getMaxP99IncreaseMs(),
        policy == null ? null : policy.getOnTimeout(),
        challenger);
  }

  /** The rule of {@code JudgedRollouts.isJudged}, which lives in the stream app. */
  static boolean judged(ModelRollout r) {
    return r.getPolicy() != null
        && r.getCandidateVersion() != null
        && r.getBaselineVersion() != null
        && r.getStage() != null
        && r.getStage() >= 0
        && r.getStage() < r.getPolicy().getStages().size();
  }

  private Challenger challenger(ModelRollout r, boolean judged) {
    long version;
    String route;
    Long baseline;
    if (judged) {
      RolloutStage stage = r.getPolicy().getStages().get(r.getStage());
      version = r.getCandidateVersion();
      route = stage.getRoute();
      baseline = r.getBaselineVersion();
    } else if (r.getCanaryVersion() != null) {
      version = r.getCanaryVersion();
      route = "CANARY";
      baseline = r.getActiveVersion();
    } else if (r.getShadowVersion() != null) {
      version = r.getShadowVersion();
      route = "SHADOW";
      baseline = r.getActiveVersion();
    } else {
      return null;
    }
    QualityReport report = find(r.getModelName(), version, route);
    if (report == null) {
      return new Challenger(version, route, baseline, null, null, null);
    }
    PairedComparison chosen = null;
    for (PairedComparison c : report.getComparisons()) {
      if (baseline != null
          ? c.getBaselineVersion() == baseline
          : chosen == null
              || c.getPairs() > chosen.getPairs()
              || (c.getPairs() == chosen.getPairs()
                  && c.getBaselineVersion() > chosen.getBaselineVersion())) {
        chosen = c;
      }
    }
    return new Challenger(
        version,
        route,
        baseline != null ? baseline : chosen == null ? null : chosen.getBaselineVersion(),
        report.getLabelled(),
        report.getAccuracy(),
        chosen == null ? null : comparison(chosen));
  }

  private static ReportRow row(QualityReport r) {
    return new ReportRow(
        r.getModelName(),
        r.getModelVersion(),
        r.getRoute(),
        r.getLabelled(),
        r.getCorrect(),
        r.getAccuracy(),
        r.getAccuracyLow(),
        r.getAccuracyHigh(),
        r.getMeanConfidence(),
        r.getCalibrationError(),
        r.getLatencyP50Ms(),
        r.getLatencyP99Ms(),
        r.getLastLabelAt() == null ? null : r.getLastLabelAt().toEpochMilli(),
        r.getLateLabels(),
        r.getComparisons().stream().map(QualityBoard::comparison).toList());
  }

  private static Comparison comparison(PairedComparison c) {
    return new Comparison(
        c.getBaselineVersion(),
        c.getBaselineRoute(),
        c.getPairs(),
        c.getBaselineOnlyCorrect(),
        c.getChallengerOnlyCorrect(),
        c.getPValue(),
        c.getDifference(),
        c.getDifferenceLow(),
        c.getDifferenceHigh());
  }

  private static DecisionRow decisionRow(JudgeDecision d) {
    return new DecisionRow(
        truncate(d.getDecisionId()),
        d.getModelName(),
        d.getCandidateVersion(),
        d.getBaselineVersion(),
        d.getStage(),
        truncate(d.getStageName()),
        d.getRoute(),
        d.getAction(),
        d.getNextStage(),
        truncate(d.getNextStageName()),
        truncate(d.getRule()),
        truncate(d.getReason()),
        d.getDecidedAt().toEpochMilli(),
        d.getStageStartedAt().toEpochMilli(),
        d.getLabelled(),
        d.getPairs(),
        d.getDifference(),
        d.getEvidenceWorse(),
        d.getEvidenceNotWorse(),
        d.getThreshold(),
        d.getCandidateP99Ms(),
        d.getBaselineP99Ms());
  }

  private static int routeRank(String route) {
    int i = ROUTE_ORDER.indexOf(route);
    return i < 0 ? ROUTE_ORDER.size() : i;
  }

  /** By its fields, not its key: the key is the producer's to spell. */
  private QualityReport find(String model, long version, String route) {
    for (QualityReport r : reports.values()) {
      if (r.getModelVersion() == version
          && r.getModelName().equals(model)
          && r.getRoute().equals(route)) {
        return r;
      }
    }
    return null;
  }

  /** The quality topic's key of a report, for a record that came without one. */
  private static String reportKey(QualityReport r) {
    return TopicNames.modelKey(r.getModelName(), r.getModelVersion())
        + "/"
        + r.getRoute()
        + "/"
        + r.getWindow();
  }

  private static String truncate(String s) {
    return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
  }
}
