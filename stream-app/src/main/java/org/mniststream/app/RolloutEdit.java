package org.mniststream.app;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.schemas.ModelRollout;

/**
 * What an operator asked {@code rollout} to change; unset parts keep the current rollout's values,
 * because the latest record on the rollouts topic replaces the whole previous one.
 *
 * @param pin pin this active version
 * @param latest follow the newest valid version (drop the pin)
 * @param canary set this canary version
 * @param percent set the canary percentage
 * @param clearCanary drop the canary
 * @param shadow set this shadow version
 * @param clearShadow drop the shadow
 */
public record RolloutEdit(
    OptionalLong pin,
    boolean latest,
    OptionalLong canary,
    OptionalInt percent,
    boolean clearCanary,
    OptionalLong shadow,
    boolean clearShadow) {

  /** Every contradiction in the request itself; empty when it is coherent. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (pin.isPresent() && latest) {
      problems.add("--pin and --latest contradict each other");
    }
    if (canary.isPresent() && clearCanary) {
      problems.add("--canary and --clear-canary contradict each other");
    }
    if (shadow.isPresent() && clearShadow) {
      problems.add("--shadow and --clear-shadow contradict each other");
    }
    if (percent.isPresent() && (percent.getAsInt() < 0 || percent.getAsInt() > 100)) {
      problems.add("--percent must be 0..100, got " + percent.getAsInt());
    }
    if (canary.isPresent() && percent.isEmpty()) {
      problems.add("--canary needs --percent");
    }
    if (percent.isPresent() && clearCanary) {
      problems.add("--percent and --clear-canary contradict each other");
    }
    if (pin.isEmpty()
        && !latest
        && canary.isEmpty()
        && percent.isEmpty()
        && !clearCanary
        && shadow.isEmpty()
        && !clearShadow) {
      problems.add("nothing to change: give --pin, --latest, --canary, --shadow or a --clear-*");
    }
    return problems;
  }

  /** Contradictions with the current rollout (may be null); empty when it can be applied. */
  public List<String> problemsWith(ModelRollout current) {
    if (percent.isPresent()
        && canary.isEmpty()
        && (current == null || current.getCanaryVersion() == null)) {
      return List.of("--percent needs a canary (--canary N, or a current rollout with one)");
    }
    return List.of();
  }

  /** The versions the edited rollout names that must exist. */
  public List<Long> referencedVersions() {
    List<Long> versions = new ArrayList<>();
    pin.ifPresent(versions::add);
    canary.ifPresent(versions::add);
    shadow.ifPresent(versions::add);
    return versions;
  }

  /**
   * The new rollout: {@code current} (may be null) with this edit applied. It never carries a
   * policy: a manual edit ends a judged rollout, and the judge leaves the result alone.
   */
  public ModelRollout applyTo(
      ModelRollout current, String modelName, Instant now, String issuedBy, String reason) {
    Optional<ModelRollout> base = Optional.ofNullable(current);
    Long active = base.map(ModelRollout::getActiveVersion).orElse(null);
    Long canaryVersion = base.map(ModelRollout::getCanaryVersion).orElse(null);
    int canaryPercent = base.map(ModelRollout::getCanaryPercent).orElse(0);
    Long shadowVersion = base.map(ModelRollout::getShadowVersion).orElse(null);
    if (pin.isPresent()) {
      active = pin.getAsLong();
    }
    if (latest) {
      active = null;
    }
    if (canary.isPresent()) {
      canaryVersion = canary.getAsLong();
    }
    if (percent.isPresent()) {
      canaryPercent = percent.getAsInt();
    }
    if (clearCanary) {
      canaryVersion = null;
      canaryPercent = 0;
    }
    if (shadow.isPresent()) {
      shadowVersion = shadow.getAsLong();
    }
    if (clearShadow) {
      shadowVersion = null;
    }
    return ModelRollout.newBuilder()
        .setModelName(modelName)
        .setActiveVersion(active)
        .setCanaryVersion(canaryVersion)
        .setCanaryPercent(canaryPercent)
        .setShadowVersion(shadowVersion)
        .setIssuedAt(now)
        .setIssuedBy(issuedBy)
        .setReason(reason)
        .build();
  }

  /**
   * One line for humans: {@code active=v3 (pinned), canary=v4 at 10%, shadow=none}, and the stage
   * when the judge is rolling a candidate out.
   */
  public static String describe(ModelRollout r) {
    if (r == null) {
      return "none (the newest valid version is active)";
    }
    return "active="
        + (r.getActiveVersion() == null ? "latest" : "v" + r.getActiveVersion() + " (pinned)")
        + ", canary="
        + (r.getCanaryVersion() == null
            ? "none"
            : "v" + r.getCanaryVersion() + " at " + r.getCanaryPercent() + "%")
        + ", shadow="
        + (r.getShadowVersion() == null ? "none" : "v" + r.getShadowVersion())
        + (JudgedRollouts.isJudged(r)
            ? ", judging v"
                + r.getCandidateVersion()
                + " against v"
                + r.getBaselineVersion()
                + " at stage "
                + r.getStage()
                + " ("
                + r.getPolicy().getStages().get(r.getStage()).getName()
                + ")"
            : "")
        + ", issued "
        + r.getIssuedAt()
        + " by "
        + r.getIssuedBy()
        + (r.getReason() == null ? "" : " (" + r.getReason() + ")");
  }
}
