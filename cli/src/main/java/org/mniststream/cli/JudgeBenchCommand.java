package org.mniststream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mniststream.app.judge.PolicyFile;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.cli.JudgeSimulation.Agreement;
import org.mniststream.cli.JudgeSimulation.Run;
import org.mniststream.cli.JudgeSimulation.Settings;
import org.mniststream.model.Architecture;
import org.mniststream.model.LoadedModel;
import org.mniststream.model.ModelRejectedException;
import org.mniststream.model.ModelVerifier;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.RolloutStage;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.trainer.data.BatchFeeder;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.evaluation.ModelEvaluator;
import org.mniststream.trainer.publishing.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The judge's time to decide and false-rollback rate on real models, simulated: each saved model
 * classifies the test set once (the serving path, as {@code evaluate} does), then {@link
 * JudgeSimulation} replays many seeded streams of those predictions through the judge's engine. The
 * stream app and the broker are not in this loop; the figures are the statistics' own.
 */
@Command(
    name = "judge-bench",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate the rollout judge on real models' test-set predictions: how many canary events"
          + " it needs to roll back a worse candidate or promote a good one, and how often it"
          + " rolls back a good one (seeded runs, every event labelled).",
      ""
    })
final class JudgeBenchCommand implements Callable<Integer> {
  private static final int BATCH = 500;

  @Spec CommandSpec spec;

  @Mixin RunOptions.Data data;

  @Option(
      names = "--baseline",
      required = true,
      paramLabel = "DIR",
      description = "Saved model directory of the active version.")
  Path baseline;

  @Option(
      names = "--candidate",
      required = true,
      paramLabel = "[NAME=]DIR",
      description =
          "Saved model directory of a candidate, optionally named (repeatable); the baseline's"
              + " own directory is the same weights published again.")
  List<String> candidates = new ArrayList<>();

  @Option(names = "--runs", description = "Seeded runs per candidate (default: ${DEFAULT-VALUE}).")
  int runs = 40;

  @Option(names = "--seed", description = "Seed of the first run (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(
      names = "--stage",
      paramLabel = "canary|shadow|NAME",
      description =
          "The policy's stage to judge: the first CANARY or SHADOW stage, or one by name"
              + " (default: ${DEFAULT-VALUE}).")
  String stage = "canary";

  @Option(
      names = "--canary-percent",
      paramLabel = "P",
      description =
          "Share of events routed to the candidate in a CANARY stage (default: the stage's"
              + " percent); a SHADOW stage scores every event.")
  Double canaryPercent;

  @Option(
      names = "--rate",
      description = "Events/s of the whole stream: the judge's clock (default: ${DEFAULT-VALUE}).")
  double rate = 500;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "The rollout policy (JSON, as rollout --auto reads it; default: the default).")
  Path policyFile;

  @Option(names = "--json", description = "Also append the figures as one JSON line to this file.")
  Path json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    RolloutPolicy policy = RolloutPolicies.defaultPolicy();
    if (policyFile != null) {
      try {
        policy = PolicyFile.read(policyFile);
      } catch (PolicyFile.Invalid e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      List<String> problems = RolloutPolicies.problems(policy);
      if (!problems.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(), "--policy " + policyFile + ": " + String.join("; ", problems));
      }
    }
    Settings settings = settings(policy);
    Map<String, Path> named = candidates();
    if (runs < 1) {
      throw new ParameterException(spec.commandLine(), "--runs must be >= 1, got " + runs);
    }

    IdxDataset test;
    Map<String, int[]> predictions = new LinkedHashMap<>();
    try {
      test = data.files().loadTest();
      predictions.put("baseline", classify(baseline, test));
      for (Map.Entry<String, Path> c : named.entrySet()) {
        predictions.put(c.getKey(), classify(c.getValue(), test));
      }
    } catch (IOException | ModelRejectedException e) {
      spec.commandLine().getErr().println("judge-bench: " + e.getMessage());
      return 1;
    }
    int[] labels = new int[test.count()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = test.label(i);
    }

    RolloutStage judged = settings.judgedStage();
    out.printf(
        Locale.ROOT,
        "judge-bench: stage %s (%s, %.0f %% of events to the candidate, every one paired and"
            + " labelled), %.0f events/s, %d runs from seed %d; maxAccuracyDrop %.2f pt, alpha %s"
            + " over %d judged stages: threshold %.0f, minLabelled %d, timeout %d s%n",
        judged.getName(),
        judged.getRoute(),
        settings.routedPercent(),
        rate,
        runs,
        seed,
        100 * policy.getMaxAccuracyDrop(),
        policy.getAlpha(),
        RolloutPolicies.judgedStages(policy),
        RolloutPolicies.threshold(policy),
        judged.getMinLabelled(),
        judged.getTimeoutMs() / 1000);
    List<Result> results = new ArrayList<>();
    for (Map.Entry<String, Path> c : named.entrySet()) {
      JudgeSimulation simulation =
          new JudgeSimulation(labels, predictions.get("baseline"), predictions.get(c.getKey()));
      Result r =
          Result.of(
              c.getKey(),
              simulation.agreement(),
              simulation.runs(settings, seed, runs),
              policy.getMaxAccuracyDrop(),
              settings.falseRollbackBound());
      results.add(r);
      out.println(r.line());
      out.flush();
    }
    if (json != null) {
      Files.writeString(
          json,
          JsonCodec.write(
                  new Report(
                      Instant.now().toString(),
                      judged.getName(),
                      settings.routedPercent(),
                      rate,
                      runs,
                      seed,
                      policy.getMaxAccuracyDrop(),
                      policy.getAlpha(),
                      settings.falseRollbackBound(),
                      results))
              + System.lineSeparator(),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    return 0;
  }

  private Settings settings(RolloutPolicy policy) {
    List<RolloutStage> stages = policy.getStages();
    int index = -1;
    for (int i = 0; i < stages.size() && index < 0; i++) {
      RolloutStage s = stages.get(i);
      boolean match =
          stage.equalsIgnoreCase(s.getRoute())
              ? !RolloutPolicies.ACTIVE.equals(s.getRoute())
              : stage.equals(s.getName());
      index = match ? i : -1;
    }
    if (index < 0 || RolloutPolicies.ACTIVE.equals(stages.get(index).getRoute())) {
      throw new ParameterException(
          spec.commandLine(),
          "--stage: the policy has no judged stage '"
              + stage
              + "' (canary, shadow, or one of "
              + stages.stream().map(RolloutStage::getName).toList()
              + ")");
    }
    RolloutStage s = stages.get(index);
    double percent;
    if (RolloutPolicies.SHADOW.equals(s.getRoute())) {
      percent = 100;
    } else {
      percent = canaryPercent != null ? canaryPercent : s.getPercent();
    }
    try {
      return new Settings(policy, index, percent, rate);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@code --candidate [NAME=]DIR}, in the order given; a name defaults to the directory's. */
  private Map<String, Path> candidates() {
    Map<String, Path> named = new LinkedHashMap<>();
    for (String c : candidates) {
      int eq = c.indexOf('=');
      String name = eq > 0 ? c.substring(0, eq) : Path.of(c).getFileName().toString();
      Path dir = Path.of(eq > 0 ? c.substring(eq + 1) : c);
      if (name.equals("baseline") || named.putIfAbsent(name, dir) != null) {
        throw new ParameterException(
            spec.commandLine(),
            "--candidate: the name '" + name + "' is taken; name each candidate once (NAME=DIR)");
      }
    }
    return named;
  }

  /** The predicted class of every test image, through the serving path; the model is closed. */
  static int[] classify(Path dir, IdxDataset test) throws IOException, ModelRejectedException {
    if (!SavedModel.exists(dir)) {
      throw new IOException(
          dir + " is not a saved model directory (model.params, model-version.avro)");
    }
    ModelVersion version = SavedModel.load(dir);
    int[] predicted = new int[test.count()];
    try (LoadedModel model = new ModelVerifier(List.of()).verifyAndLoad(version)) {
      BatchFeeder feeder = new BatchFeeder(test, model.normalizer(), Math.min(BATCH, test.count()));
      for (int from = 0; from < test.count(); from += feeder.maxBatchSize()) {
        int count = Math.min(feeder.maxBatchSize(), test.count() - from);
        feeder.fillRange(from, count);
        float[] probabilities = model.predict(feeder.input(), count);
        for (int j = 0; j < count; j++) {
          predicted[from + j] = ModelEvaluator.argmax(probabilities, j * Architecture.CLASSES);
        }
      }
    }
    return predicted;
  }

  /** The figures of a whole bench (the {@code --json} line); field names are stable. */
  record Report(
      String at,
      String stage,
      double routedPercent,
      double rate,
      int runs,
      long firstSeed,
      double maxAccuracyDrop,
      double alpha,
      double falseRollbackBound,
      List<Result> candidates) {}

  /**
   * One candidate over its runs.
   *
   * @param falseRollbackRate rolled back by the {@code worse} rule / runs, for a candidate within
   *     maxAccuracyDrop of the baseline on the test set (the judge's null holds); null otherwise
   */
  record Result(
      String candidate,
      double baselineAccuracy,
      double candidateAccuracy,
      double differencePoints,
      double discordant,
      int runs,
      int rolledBack,
      int rolledBackWorse,
      int rolledBackTimeout,
      int promoted,
      int held,
      int undecided,
      Long medianToRollback,
      Long maxToRollback,
      Long medianToPromotion,
      Long maxToPromotion,
      Double falseRollbackRate,
      double falseRollbackBound,
      List<Run> perRun) {

    static Result of(
        String name, Agreement a, List<Run> runs, double maxAccuracyDrop, double bound) {
      List<Long> toRollback = routed(runs, RolloutPolicies.ROLLBACK);
      List<Long> toPromotion = routed(runs, RolloutPolicies.PROMOTE);
      int worse = count(runs, RolloutPolicies.ROLLBACK, "worse");
      return new Result(
          name,
          a.baselineAccuracy(),
          a.candidateAccuracy(),
          a.differencePoints(),
          a.discordant(),
          runs.size(),
          toRollback.size(),
          worse,
          count(runs, RolloutPolicies.ROLLBACK, "timeout"),
          toPromotion.size(),
          (int) runs.stream().filter(r -> r.is(RolloutPolicies.HOLD)).count(),
          (int) runs.stream().filter(r -> r.action() == null).count(),
          median(toRollback),
          max(toRollback),
          median(toPromotion),
          max(toPromotion),
          a.withinDrop(maxAccuracyDrop) ? worse / (double) runs.size() : null,
          bound,
          runs);
    }

    String line() {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-10s accuracy %.2f %% vs baseline %.2f %% (%+.2f pt), discordant on %.2f %%"
                      + " of images | %d runs: rolled back %d (worse %d, timeout %d), promoted %d,"
                      + " held %d, undecided %d | routed events to a rollback: median %s, max %s;"
                      + " to a promotion: median %s, max %s",
                  candidate,
                  100 * candidateAccuracy,
                  100 * baselineAccuracy,
                  differencePoints,
                  100 * discordant,
                  runs,
                  rolledBack,
                  rolledBackWorse,
                  rolledBackTimeout,
                  promoted,
                  held,
                  undecided,
                  text(medianToRollback),
                  text(maxToRollback),
                  text(medianToPromotion),
                  text(maxToPromotion)));
      if (falseRollbackRate != null) {
        s.append(
            String.format(
                Locale.ROOT,
                "%n%-10s within maxAccuracyDrop: false rollbacks %d/%d = %.3f, bound %.4f",
                "",
                rolledBackWorse,
                runs,
                falseRollbackRate,
                falseRollbackBound));
      }
      return s.toString();
    }

    private static List<Long> routed(List<Run> runs, String action) {
      return runs.stream().filter(r -> r.is(action)).map(Run::routedEvents).sorted().toList();
    }

    private static int count(List<Run> runs, String action, String rule) {
      return (int) runs.stream().filter(r -> r.is(action) && rule.equals(r.rule())).count();
    }

    /** The lower median (an observed count, not an average of two). */
    private static Long median(List<Long> sorted) {
      return sorted.isEmpty() ? null : sorted.get((sorted.size() - 1) / 2);
    }

    private static Long max(List<Long> sorted) {
      return sorted.isEmpty() ? null : sorted.get(sorted.size() - 1);
    }

    private static String text(Long x) {
      return x == null ? "-" : Long.toString(x);
    }
  }
}
