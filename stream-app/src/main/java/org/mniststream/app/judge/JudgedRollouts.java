package org.mniststream.app.judge;

import java.time.Instant;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.RolloutStage;

/**
 * The rollout records of a judged rollout: the one that puts the candidate in a stage ({@code
 * rollout --auto} writes the first, the judge the next ones), and the plain pins that end it. One
 * place, so the operator's command and the judge build the same records.
 */
public final class JudgedRollouts {
  /** Who the judge's records are issued by. */
  public static final String JUDGE = "judge";

  private JudgedRollouts() {}

  /**
   * The rollout serving stage {@code stage} of {@code policy}: the baseline pinned active, and the
   * candidate as the stage's shadow or canary; the ACTIVE stage pins the candidate and carries no
   * policy (the judging is over).
   */
  public static ModelRollout forStage(
      String modelName,
      RolloutPolicy policy,
      long candidate,
      long baseline,
      int stage,
      Instant startedAt,
      Integer pairedPercent,
      String issuedBy,
      String reason) {
    RolloutStage s = policy.getStages().get(stage);
    ModelRollout.Builder b =
        ModelRollout.newBuilder()
            .setModelName(modelName)
            .setIssuedAt(startedAt)
            .setIssuedBy(issuedBy)
            .setReason(reason);
    switch (s.getRoute()) {
      case RolloutPolicies.ACTIVE -> {
        return b.setActiveVersion(candidate).build();
      }
      case RolloutPolicies.SHADOW -> b.setActiveVersion(baseline).setShadowVersion(candidate);
      case RolloutPolicies.CANARY ->
          b.setActiveVersion(baseline).setCanaryVersion(candidate).setCanaryPercent(s.getPercent());
      default -> throw new IllegalArgumentException("unknown route " + s.getRoute());
    }
    return b.setPolicy(policy)
        .setCandidateVersion(candidate)
        .setBaselineVersion(baseline)
        .setStage(stage)
        .setStageStartedAt(startedAt)
        .setPairedPercent(pairedPercent)
        .build();
  }

  /** The end of a rolled-back rollout: the baseline pinned, no canary, no shadow, no policy. */
  public static ModelRollout rollback(
      String modelName, long baseline, Instant at, String issuedBy, String reason) {
    return ModelRollout.newBuilder()
        .setModelName(modelName)
        .setActiveVersion(baseline)
        .setIssuedAt(at)
        .setIssuedBy(issuedBy)
        .setReason(reason)
        .build();
  }

  /** Whether {@code r} is a judged rollout the judge should follow. */
  public static boolean isJudged(ModelRollout r) {
    return r != null
        && r.getPolicy() != null
        && r.getCandidateVersion() != null
        && r.getBaselineVersion() != null
        && r.getStage() != null
        && r.getStage() >= 0
        && r.getStage() < r.getPolicy().getStages().size();
  }
}
