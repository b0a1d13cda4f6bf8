package org.mniststream.app.judge;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.mniststream.app.judge.JudgeState.Counts;
import org.mniststream.app.judge.JudgeState.Pair;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.RolloutStage;
import org.mniststream.schemas.TopicNames;

/**
 * The rollout judge, one record at a time, over a store of {@link JudgeState} per model: the judge
 * topology's processor runs it, and so does any replay, so they cannot disagree.
 *
 * <p>Decisions are a pure function of the records read, in the order read: no clock (time is the
 * largest timestamp of the model's quality records), no randomness, StrictMath in the test. The
 * quality topic has one partition, so that order is the topic's.
 *
 * <p>At every quality record of a judged model the rules of the stage are tried, in this order; the
 * first that holds ends the stage:
 *
 * <ol>
 *   <li><b>worse</b>: the stage's pairs show the candidate's drop larger than maxAccuracyDrop
 *       ({@link PairedSequentialTest#evidenceWorse} reaches the threshold): roll back;
 *   <li><b>latency</b>: with minLabelled labelled predictions in the stage, the candidate's p99 on
 *       the stage's route exceeds the baseline's ACTIVE p99 by more than maxP99IncreaseMs: roll
 *       back;
 *   <li><b>not-worse</b>: with minLabelled pairs in the stage, the drop is shown smaller than
 *       maxAccuracyDrop: promote to the next stage (the last, ACTIVE, pins the candidate and ends
 *       the judging);
 *   <li><b>timeout</b>: the stage has lasted timeoutMs of quality-stream time: the policy's
 *       onTimeout (ROLLBACK, PROMOTE, or HOLD: the routes stay, the judging stops).
 * </ol>
 *
 * <p>Rollouts on the rollouts topic: a judged one an operator issued ({@code rollout --auto})
 * starts the judging; one without a policy ends it (a person took over); the judge's own records,
 * read back, change nothing (its state already holds them). A stage's counts are the candidate's
 * counts on the stage's route less those when the stage began; the first stage counts every
 * labelled event the candidate has on its route.
 */
final class JudgeEngine {
  /** Where the engine keeps its per-model state. */
  interface Store {
    JudgeState get(String modelName);

    void put(String modelName, JudgeState state);

    /** A store over any get and put: a Kafka Streams store's, a map's. */
    static Store of(
        java.util.function.Function<String, JudgeState> get,
        java.util.function.BiConsumer<String, JudgeState> put) {
      return new Store() {
        @Override
        public JudgeState get(String modelName) {
          return get.apply(modelName);
        }

        @Override
        public void put(String modelName, JudgeState state) {
          put.accept(modelName, state);
        }
      };
    }
  }

  /** A decision: the audit record, and the rollout to publish. */
  record Outcome(JudgeDecision decision, ModelRollout rollout) {}

  private static final AvroSerde<ModelRollout> ROLLOUTS = ContractSerdes.modelRollout();

  private final Store store;

  JudgeEngine(Store store) {
    this.store = store;
  }

  /** A quality report with its record timestamp; a decision when it ends a stage. */
  Optional<Outcome> onQuality(QualityReport report, long timestamp) {
    if (!"all".equals(report.getWindow())) {
      return Optional.empty();
    }
    String model = report.getModelName();
    JudgeState state =
        state(model)
            .withReport(report.getModelVersion(), report.getRoute(), counts(report), timestamp);
    Optional<Outcome> outcome = Optional.empty();
    if (state.rollout() != null) {
      state = tested(state);
      outcome = judge(state, report);
      if (outcome.isPresent()) {
        state = after(state, outcome.get());
      }
    }
    store.put(model, state);
    return outcome;
  }

  /** A record of the rollouts topic ({@code rollout} null for a tombstone). */
  void onRollout(String modelName, ModelRollout rollout) {
    JudgeState state = state(modelName);
    JudgeState next = state;
    if (rollout == null || !JudgedRollouts.isJudged(rollout)) {
      next = state.notJudging(); // a person took over (or the judging ended)
    } else if (state.rollout() == null || !JudgedRollouts.JUDGE.equals(rollout.getIssuedBy())) {
      next = start(state, rollout);
    } // else: the judge's own record read back; its state already holds it
    if (next != state) {
      store.put(modelName, next);
    }
  }

  private JudgeState start(JudgeState state, ModelRollout rollout) {
    byte[] bytes = ROLLOUTS.encode(rollout);
    if (state.rollout() != null && Arrays.equals(bytes, state.rollout())) {
      return state;
    }
    int stage = rollout.getStage();
    String route = rollout.getPolicy().getStages().get(stage).getRoute();
    // stage 0 counts all the candidate's data on its route; a later stage (a judge restarted
    // without its state) counts from what is known now
    Counts start = stage == 0 ? Counts.ZERO : state.counts(rollout.getCandidateVersion(), route);
    String id =
        TopicNames.modelKey(rollout.getModelName(), rollout.getCandidateVersion())
            + "/"
            + startedAt(rollout).toEpochMilli();
    return state.judging(bytes, id, start);
  }

  /** The state with the stage's test fed the stage's pairs as they are now. */
  private JudgeState tested(JudgeState state) {
    ModelRollout rollout = ROLLOUTS.decode(state.rollout());
    RolloutStage stage = rollout.getPolicy().getStages().get(rollout.getStage());
    if (RolloutPolicies.ACTIVE.equals(stage.getRoute())) {
      return state;
    }
    long baseline = rollout.getBaselineVersion();
    Pair pairs =
        state
            .counts(rollout.getCandidateVersion(), stage.getRoute())
            .pairsWith(baseline)
            .since(state.stageStart().pairsWith(baseline));
    return state.withTest(
        state
            .test()
            .update(pairs.n(), pairs.b(), pairs.c(), rollout.getPolicy().getMaxAccuracyDrop()));
  }

  private Optional<Outcome> judge(JudgeState state, QualityReport trigger) {
    ModelRollout rollout = ROLLOUTS.decode(state.rollout());
    RolloutPolicy policy = rollout.getPolicy();
    int stageIndex = rollout.getStage();
    RolloutStage stage = policy.getStages().get(stageIndex);
    if (RolloutPolicies.ACTIVE.equals(stage.getRoute())) {
      return Optional.empty();
    }
    long candidate = rollout.getCandidateVersion();
    long baseline = rollout.getBaselineVersion();
    Counts now = state.counts(candidate, stage.getRoute());
    Pair pairs = now.pairsWith(baseline).since(state.stageStart().pairsWith(baseline));
    long labelled = Math.max(0, now.labelled() - state.stageStart().labelled());
    double delta = policy.getMaxAccuracyDrop();
    double threshold = RolloutPolicies.threshold(policy);
    double worse = state.test().worse();
    double notWorse = state.test().notWorse();
    Long maxIncrease = policy.getMaxP99IncreaseMs();
    Counts baselineActive = state.counts(baseline, RolloutPolicies.ACTIVE);
    Long candidateP99 = maxIncrease == null ? null : now.p99Ms();
    Long baselineP99 =
        maxIncrease == null || baselineActive.labelled() == 0 ? null : baselineActive.p99Ms();
    long startedAt = startedAt(rollout).toEpochMilli();
    long time = state.streamTime();
    Evidence e =
        new Evidence(
            labelled, pairs, worse, notWorse, threshold, candidateP99, baselineP99, startedAt);

    String action;
    String rule;
    String why;
    boolean enough = pairs.n() >= stage.getMinLabelled();
    if (worse >= threshold) {
      action = RolloutPolicies.ROLLBACK;
      rule = "worse";
      why =
          String.format(
              Locale.ROOT,
              "the drop is shown larger than %s (evidence %s >= %s)",
              points(delta),
              num(worse),
              num(threshold));
    } else if (maxIncrease != null
        && labelled >= stage.getMinLabelled()
        && baselineP99 != null
        && candidateP99 - baselineP99 > maxIncrease) {
      action = RolloutPolicies.ROLLBACK;
      rule = "latency";
      why =
          String.format(
              Locale.ROOT,
              "p99 %d ms against the baseline's %d ms, more than %d ms slower",
              candidateP99,
              baselineP99,
              maxIncrease);
    } else if (enough && notWorse >= threshold) {
      action = RolloutPolicies.PROMOTE;
      rule = "not-worse";
      why =
          String.format(
              Locale.ROOT,
              "the drop is shown smaller than %s (evidence %s >= %s)",
              points(delta),
              num(notWorse),
              num(threshold));
    } else if (time != Long.MIN_VALUE && time - startedAt >= stage.getTimeoutMs()) {
      action = policy.getOnTimeout();
      rule = "timeout";
      why =
          String.format(
              Locale.ROOT,
              "undecided after %d s (the stage's timeout), so %s",
              stage.getTimeoutMs() / 1000,
              action.toLowerCase(Locale.ROOT));
    } else {
      return Optional.empty();
    }
    return Optional.of(
        decide(rollout, state.judgingId(), stageIndex, action, rule, why, e, time, trigger));
  }

  private Outcome decide(
      ModelRollout rollout,
      String judgingId,
      int stageIndex,
      String action,
      String rule,
      String why,
      Evidence e,
      long time,
      QualityReport trigger) {
    RolloutPolicy policy = rollout.getPolicy();
    RolloutStage stage = policy.getStages().get(stageIndex);
    String model = rollout.getModelName();
    long candidate = rollout.getCandidateVersion();
    long baseline = rollout.getBaselineVersion();
    Instant at = Instant.ofEpochMilli(time);
    Integer next = RolloutPolicies.PROMOTE.equals(action) ? stageIndex + 1 : null;
    if (next != null && next >= policy.getStages().size()) {
      next = null; // promoted out of the last judged stage with no ACTIVE stage: pin it
    }
    String verb =
        switch (action) {
          case RolloutPolicies.PROMOTE ->
              "promoted from "
                  + stage.getName()
                  + " to "
                  + (next == null ? "active" : policy.getStages().get(next).getName());
          case RolloutPolicies.ROLLBACK -> "rolled back to v" + baseline + " at " + stage.getName();
          default -> "held at " + stage.getName() + " for a person to decide";
        };
    String reason =
        String.format(
            Locale.ROOT,
            "v%d %s: on %d paired labelled events it was right alone on %d, the baseline on %d"
                + " (%s); %s",
            candidate,
            verb,
            e.pairs().n(),
            e.pairs().c(),
            e.pairs().b(),
            signedPoints(difference(e.pairs())),
            why);
    ModelRollout published;
    if (RolloutPolicies.ROLLBACK.equals(action)) {
      published = JudgedRollouts.rollback(model, baseline, at, JudgedRollouts.JUDGE, reason);
    } else if (RolloutPolicies.PROMOTE.equals(action)) {
      published =
          next == null
              ? JudgedRollouts.rollback(model, candidate, at, JudgedRollouts.JUDGE, reason)
              : JudgedRollouts.forStage(
                  model,
                  policy,
                  candidate,
                  baseline,
                  next,
                  at,
                  rollout.getPairedPercent(),
                  JudgedRollouts.JUDGE,
                  reason);
    } else {
      // HOLD: the same routes, no policy: the judging stops, a person decides
      published =
          ModelRollout.newBuilder(rollout)
              .setPolicy(null)
              .setCandidateVersion(null)
              .setBaselineVersion(null)
              .setStage(null)
              .setStageStartedAt(null)
              .setIssuedAt(at)
              .setIssuedBy(JudgedRollouts.JUDGE)
              .setReason(reason)
              .build();
    }
    JudgeDecision decision =
        JudgeDecision.newBuilder()
            .setDecisionId(judgingId + "/" + stageIndex)
            .setModelName(model)
            .setCandidateVersion(candidate)
            .setBaselineVersion(baseline)
            .setStage(stageIndex)
            .setStageName(stage.getName())
            .setRoute(stage.getRoute())
            .setAction(action)
            .setNextStage(next)
            .setNextStageName(next == null ? null : policy.getStages().get(next).getName())
            .setRule(rule)
            .setReason(reason)
            .setDecidedAt(at)
            .setStageStartedAt(Instant.ofEpochMilli(e.stageStartedAt()))
            .setInputKey(
                TopicNames.modelKey(trigger.getModelName(), trigger.getModelVersion())
                    + "/"
                    + trigger.getRoute()
                    + "/all")
            .setLabelled(e.labelled())
            .setPairs(e.pairs().n())
            .setBaselineOnlyCorrect(e.pairs().b())
            .setChallengerOnlyCorrect(e.pairs().c())
            .setDifference(difference(e.pairs()))
            .setEvidenceWorse(e.worse())
            .setEvidenceNotWorse(e.notWorse())
            .setThreshold(e.threshold())
            .setCandidateP99Ms(e.candidateP99())
            .setBaselineP99Ms(e.baselineP99())
            .setPolicyMaxAccuracyDrop(policy.getMaxAccuracyDrop())
            .setPolicyAlpha(policy.getAlpha())
            .build();
    return new Outcome(decision, published);
  }

  /** The state once {@code outcome} is published: the next stage judged, or none. */
  private JudgeState after(JudgeState state, Outcome outcome) {
    ModelRollout next = outcome.rollout();
    if (!JudgedRollouts.isJudged(next)) {
      return state.notJudging();
    }
    String route = next.getPolicy().getStages().get(next.getStage()).getRoute();
    Counts start = state.counts(next.getCandidateVersion(), route);
    return state.judging(ROLLOUTS.encode(next), state.judgingId(), start);
  }

  private JudgeState state(String model) {
    JudgeState s = store.get(model);
    return s == null ? JudgeState.EMPTY : s;
  }

  /** The start of the judged rollout's current stage. */
  private static Instant startedAt(ModelRollout r) {
    return r.getStageStartedAt() != null ? r.getStageStartedAt() : r.getIssuedAt();
  }

  static Counts counts(QualityReport r) {
    Map<Long, Pair> pairs = new TreeMap<>();
    for (PairedComparison c : r.getComparisons()) {
      pairs.put(
          c.getBaselineVersion(),
          new Pair(c.getPairs(), c.getBaselineOnlyCorrect(), c.getChallengerOnlyCorrect()));
    }
    return new Counts(r.getLabelled(), r.getLatencyP99Ms(), pairs);
  }

  private static double difference(Pair p) {
    return p.n() == 0 ? 0.0 : (p.c() - p.b()) / (double) p.n();
  }

  private static String points(double fraction) {
    return String.format(Locale.ROOT, "%.2f pt", 100 * fraction);
  }

  private static String signedPoints(double fraction) {
    return String.format(Locale.ROOT, "%+.2f pt", 100 * fraction);
  }

  private static String num(double x) {
    return x >= 1e6 ? String.format(Locale.ROOT, "%.2e", x) : String.format(Locale.ROOT, "%.1f", x);
  }

  private record Evidence(
      long labelled,
      Pair pairs,
      double worse,
      double notWorse,
      double threshold,
      Long candidateP99,
      Long baselineP99,
      long stageStartedAt) {}
}
