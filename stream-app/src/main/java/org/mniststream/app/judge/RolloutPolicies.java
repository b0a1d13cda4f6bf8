package org.mniststream.app.judge;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.RolloutStage;

/** The default policy of {@code rollout --auto}, and the rules every policy must follow. */
public final class RolloutPolicies {
  public static final String SHADOW = "SHADOW";
  public static final String CANARY = "CANARY";
  public static final String ACTIVE = "ACTIVE";
  public static final String ROLLBACK = "ROLLBACK";
  public static final String PROMOTE = "PROMOTE";
  public static final String HOLD = "HOLD";

  private static final Set<String> ROUTES = Set.of(SHADOW, CANARY, ACTIVE);
  private static final Set<String> ON_TIMEOUT = Set.of(ROLLBACK, PROMOTE, HOLD);

  private RolloutPolicies() {}

  /**
   * Shadow on every event, then 10 % and 50 % of the keys, then active; a 1-point drop tolerated at
   * 5 % over the whole rollout; p99 may grow by 500 ms; 30 minutes a stage, then roll back.
   */
  public static RolloutPolicy defaultPolicy() {
    long thirtyMinutes = 30 * 60_000L;
    return RolloutPolicy.newBuilder()
        .setStages(
            List.of(
                stage("shadow", SHADOW, 0, 1_000, thirtyMinutes),
                stage("canary-10", CANARY, 10, 500, thirtyMinutes),
                stage("canary-50", CANARY, 50, 1_000, thirtyMinutes),
                stage("active", ACTIVE, 100, 0, 0)))
        .setMaxAccuracyDrop(0.01)
        .setAlpha(0.05)
        .setMaxP99IncreaseMs(500L)
        .setOnTimeout(ROLLBACK)
        .build();
  }

  public static RolloutStage stage(
      String name, String route, int percent, long minLabelled, long timeoutMs) {
    return RolloutStage.newBuilder()
        .setName(name)
        .setRoute(route)
        .setPercent(percent)
        .setMinLabelled(minLabelled)
        .setTimeoutMs(timeoutMs)
        .build();
  }

  /** Everything wrong with {@code policy}, one line each; empty when the judge can apply it. */
  public static List<String> problems(RolloutPolicy policy) {
    List<String> problems = new ArrayList<>();
    List<RolloutStage> stages = policy.getStages();
    if (stages.isEmpty()) {
      problems.add("a policy needs at least one stage");
    }
    for (int i = 0; i < stages.size(); i++) {
      RolloutStage s = stages.get(i);
      String where = "stage " + i + " (" + s.getName() + "): ";
      if (!ROUTES.contains(s.getRoute())) {
        problems.add(where + "route must be SHADOW, CANARY or ACTIVE, got " + s.getRoute());
      }
      if (CANARY.equals(s.getRoute()) && (s.getPercent() < 1 || s.getPercent() > 100)) {
        problems.add(where + "a CANARY stage needs percent 1..100, got " + s.getPercent());
      }
      if (ACTIVE.equals(s.getRoute()) && i != stages.size() - 1) {
        problems.add(where + "ACTIVE must be the last stage (nothing is judged after it)");
      }
      if (!ACTIVE.equals(s.getRoute())) {
        if (s.getMinLabelled() < 1) {
          problems.add(where + "minLabelled must be >= 1, got " + s.getMinLabelled());
        }
        if (s.getTimeoutMs() < 1) {
          problems.add(where + "timeoutMs must be >= 1, got " + s.getTimeoutMs());
        }
      }
    }
    if (judgedStages(policy) == 0 && !stages.isEmpty()) {
      problems.add("a policy needs a SHADOW or CANARY stage to judge");
    }
    if (!(policy.getAlpha() > 0 && policy.getAlpha() < 1)) {
      problems.add("alpha must be in (0, 1), got " + policy.getAlpha());
    }
    if (!(policy.getMaxAccuracyDrop() >= 0 && policy.getMaxAccuracyDrop() < 1)) {
      problems.add("maxAccuracyDrop must be in [0, 1), got " + policy.getMaxAccuracyDrop());
    }
    if (policy.getMaxP99IncreaseMs() != null && policy.getMaxP99IncreaseMs() < 0) {
      problems.add("maxP99IncreaseMs must be >= 0, got " + policy.getMaxP99IncreaseMs());
    }
    if (!ON_TIMEOUT.contains(policy.getOnTimeout())) {
      problems.add("onTimeout must be ROLLBACK, PROMOTE or HOLD, got " + policy.getOnTimeout());
    }
    return problems;
  }

  /** The stages with a test (SHADOW and CANARY): alpha is split evenly over them. */
  public static int judgedStages(RolloutPolicy policy) {
    return (int) policy.getStages().stream().filter(s -> !ACTIVE.equals(s.getRoute())).count();
  }

  /** 1 / (alpha / judged stages): the e-value a stage's test must reach. */
  public static double threshold(RolloutPolicy policy) {
    return Math.max(1, judgedStages(policy)) / policy.getAlpha();
  }
}
