package org.mniststream.cli;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.mniststream.app.judge.InMemoryJudge;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.schemas.CalibrationBin;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.RolloutStage;

/**
 * The judge's time to decide and its false rollbacks, simulated on recorded predictions: the
 * predicted classes of a baseline and a candidate on the same labelled images go in, the judge's
 * decisions over many seeded streams come out. No DJL and no Kafka here: the judge is {@link
 * InMemoryJudge}, the engine the judge's Streams app runs, fed the quality reports the quality app
 * would publish on a stream where every event is labelled.
 *
 * <p>One run: the images in a seeded random order (a fresh order each pass, for as many passes as
 * the stage lasts), each event routed to the candidate with probability {@code routedPercent/100};
 * a routed event is scored by both versions (the canary, and the active version as BASELINE: every
 * canary event is paired), so after it the candidate's cumulative {@code all} report on the stage's
 * route goes to the judge, timestamped {@code event index * 1000 / rate} ms. The run ends at the
 * judge's first decision (the stage it starts in is the only one judged), or undecided when the
 * stream passes the stage's timeout by {@link #EVENTS_AFTER_TIMEOUT} events without a decision
 * (only possible with a tiny routed share). The active version's p99 is reported equal to the
 * candidate's, so the latency rule never fires: latency is not what this measures.
 *
 * <p>Passes repeat the same images, so the population sampled is the image set itself: a candidate
 * whose accuracy on it is within maxAccuracyDrop of the baseline's is exactly a candidate the
 * judge's null hypothesis holds for, and each of its rollbacks by the {@code worse} rule is a false
 * one.
 */
final class JudgeSimulation {
  static final String MODEL = "mnist";
  static final long BASELINE_VERSION = 1;
  static final long CANDIDATE_VERSION = 2;

  /** How far past the stage's timeout a run may go before it is called undecided. */
  static final long EVENTS_AFTER_TIMEOUT = 100_000;

  /** Both versions report this p99, so the latency rule stays silent. */
  private static final long P99_MS = 40;

  private static final List<Long> NO_CONFUSION = Collections.nCopies(100, 0L);
  private static final List<CalibrationBin> NO_BINS =
      Collections.nCopies(10, new CalibrationBin(0L, 0L, 0L));

  private final int[] labels;
  private final int[] baseline;
  private final int[] candidate;

  /**
   * @param labels the true class of each image
   * @param baseline the baseline's predicted class of each image
   * @param candidate the candidate's predicted class of each image
   */
  JudgeSimulation(int[] labels, int[] baseline, int[] candidate) {
    if (labels.length == 0
        || baseline.length != labels.length
        || candidate.length != labels.length) {
      throw new IllegalArgumentException(
          "labels and both models' predictions must be non-empty and of the same length, got "
              + labels.length
              + ", "
              + baseline.length
              + ", "
              + candidate.length);
    }
    this.labels = labels.clone();
    this.baseline = baseline.clone();
    this.candidate = candidate.clone();
  }

  /**
   * Where and how fast a run streams.
   *
   * @param policy the judged rollout's policy
   * @param stage the index of the stage the judge starts (and ends) in: SHADOW or CANARY
   * @param routedPercent share of events the candidate scores (the canary's percent; 100 for a
   *     shadow)
   * @param rate events per second of the whole stream (both routes)
   */
  record Settings(RolloutPolicy policy, int stage, double routedPercent, double rate) {
    Settings {
      List<String> problems = RolloutPolicies.problems(policy);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("policy: " + String.join("; ", problems));
      }
      if (stage < 0 || stage >= policy.getStages().size()) {
        throw new IllegalArgumentException("the policy has no stage " + stage);
      }
      if (RolloutPolicies.ACTIVE.equals(policy.getStages().get(stage).getRoute())) {
        throw new IllegalArgumentException("stage " + stage + " is ACTIVE: nothing is judged");
      }
      if (!(routedPercent > 0 && routedPercent <= 100)) {
        throw new IllegalArgumentException(
            "routed percent must be in (0, 100], got " + routedPercent);
      }
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("rate must be > 0 events/s, got " + rate);
      }
    }

    RolloutStage judgedStage() {
      return policy.getStages().get(stage);
    }

    /** The chance that the judge rolls back a candidate within maxAccuracyDrop, in this stage. */
    double falseRollbackBound() {
      return policy.getAlpha() / RolloutPolicies.judgedStages(policy);
    }
  }

  /**
   * What one run ended with.
   *
   * @param seed the run's seed
   * @param action ROLLBACK, PROMOTE or HOLD; null when undecided
   * @param rule the judge's rule (worse, latency, not-worse, timeout); null when undecided
   * @param routedEvents labelled events routed to the candidate (all paired) at the decision
   * @param events events of the whole stream at the decision
   * @param decidedAtMs stream time of the decision, ms after the stage started
   */
  record Run(
      long seed, String action, String rule, long routedEvents, long events, long decidedAtMs) {
    boolean is(String a) {
      return a.equals(action);
    }
  }

  /** The runs of seeds {@code firstSeed .. firstSeed + runs - 1}. */
  List<Run> runs(Settings settings, long firstSeed, int runs) {
    List<Run> out = new ArrayList<>(runs);
    for (int r = 0; r < runs; r++) {
      out.add(run(settings, firstSeed + r));
    }
    return out;
  }

  /** One seeded stream through the judge, to its first decision. */
  Run run(Settings settings, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    RolloutStage stage = settings.judgedStage();
    String route = stage.getRoute();
    InMemoryJudge judge = new InMemoryJudge();
    judge.onRollout(
        MODEL,
        JudgedRollouts.forStage(
            MODEL,
            settings.policy(),
            CANDIDATE_VERSION,
            BASELINE_VERSION,
            settings.stage(),
            Instant.EPOCH,
            100,
            "judge-bench",
            "simulated judged rollout, seed " + seed));
    // the active version's own report: only its p99 is read (for the latency rule)
    judge.onQuality(report(BASELINE_VERSION, RolloutPolicies.ACTIVE, 1, 1, 0, 0), 0);

    long timeoutEvents = (long) Math.ceil(stage.getTimeoutMs() * settings.rate() / 1000.0);
    long maxEvents = timeoutEvents + EVENTS_AFTER_TIMEOUT;
    double routed = settings.routedPercent() / 100.0;
    int[] order = identity(labels.length);
    long n = 0;
    long b = 0;
    long c = 0;
    long correct = 0;
    for (long event = 0; event < maxEvents; event++) {
      int at = (int) (event % labels.length);
      if (at == 0) {
        shuffle(order, random);
      }
      // drawn for every event, routed or not, so the stream is the same whatever the share
      double draw = random.nextDouble();
      if (draw >= routed) {
        continue;
      }
      int image = order[at];
      boolean candidateRight = candidate[image] == labels[image];
      boolean baselineRight = baseline[image] == labels[image];
      n++;
      correct += candidateRight ? 1 : 0;
      b += baselineRight && !candidateRight ? 1 : 0;
      c += candidateRight && !baselineRight ? 1 : 0;
      long time = (long) (event * 1000 / settings.rate());
      Optional<InMemoryJudge.Decision> decision =
          judge.onQuality(report(CANDIDATE_VERSION, route, n, correct, b, c), time);
      if (decision.isPresent()) {
        JudgeDecision d = decision.get().decision();
        return new Run(seed, d.getAction(), d.getRule(), n, event + 1, time);
      }
    }
    return new Run(seed, null, null, n, maxEvents, (long) (maxEvents * 1000 / settings.rate()));
  }

  /** The image set's own figures: the two accuracies and the share of discordant images. */
  record Agreement(
      int images, double baselineAccuracy, double candidateAccuracy, double discordant) {
    /** Candidate minus baseline, in accuracy points. */
    double differencePoints() {
      return 100 * (candidateAccuracy - baselineAccuracy);
    }

    /** Whether the candidate's drop is within {@code maxAccuracyDrop}: every rollback is false. */
    boolean withinDrop(double maxAccuracyDrop) {
      return candidateAccuracy - baselineAccuracy >= -maxAccuracyDrop;
    }
  }

  Agreement agreement() {
    long baselineRight = 0;
    long candidateRight = 0;
    long discordant = 0;
    for (int i = 0; i < labels.length; i++) {
      boolean br = baseline[i] == labels[i];
      boolean cr = candidate[i] == labels[i];
      baselineRight += br ? 1 : 0;
      candidateRight += cr ? 1 : 0;
      discordant += br != cr ? 1 : 0;
    }
    double size = labels.length;
    return new Agreement(
        labels.length, baselineRight / size, candidateRight / size, discordant / size);
  }

  /**
   * A minimal valid {@code all} report: the counts the judge reads (labelled, p99, the paired
   * comparison with the baseline), the rest zero.
   */
  static QualityReport report(
      long version, String route, long labelled, long correct, long b, long c) {
    List<PairedComparison> pairs =
        version == BASELINE_VERSION
            ? List.of()
            : List.of(
                new PairedComparison(
                    BASELINE_VERSION,
                    RolloutPolicies.SHADOW.equals(route) ? RolloutPolicies.ACTIVE : "BASELINE",
                    labelled,
                    b,
                    c,
                    1.0,
                    labelled == 0 ? 0.0 : (c - b) / (double) labelled,
                    0.0,
                    0.0));
    return QualityReport.newBuilder()
        .setModelName(MODEL)
        .setModelVersion(version)
        .setRoute(route)
        .setWindow("all")
        .setLabelled(labelled)
        .setCorrect(correct)
        .setAccuracy(labelled == 0 ? 0 : correct / (double) labelled)
        .setAccuracyLow(0)
        .setAccuracyHigh(0)
        .setConfusion(NO_CONFUSION)
        .setConfidenceMicrosSum(0)
        .setMeanConfidence(0)
        .setCalibration(NO_BINS)
        .setCalibrationError(0)
        .setLatencyHistogram(ByteBuffer.allocate(0))
        .setLatencyP50Ms(P99_MS / 2)
        .setLatencyP99Ms(P99_MS)
        .setDuplicateLabels(0)
        .setConflictingLabels(0)
        .setLateLabels(0)
        .setComparisons(pairs)
        .build();
  }

  private static int[] identity(int size) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    return order;
  }

  /** Fisher-Yates, from the run's own generator. */
  private static void shuffle(int[] order, SplittableRandom random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
