package org.mniststream.app.models;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.mniststream.schemas.ModelRollout;

/**
 * Which versions should serve, decided from what is known: the valid versions, the refused ones,
 * and the latest rollout. A pure function, so every rule is unit-testable:
 *
 * <ul>
 *   <li>no rollout, or a rollout without {@code activeVersion}: the newest valid version is active;
 *   <li>{@code activeVersion} pins it (a rollback or a freeze) when that version is valid; a pin to
 *       a version that is refused or not (yet) on the models topic falls back to the newest valid
 *       version, and says so in {@link #notes()};
 *   <li>{@code canaryVersion} with {@code canaryPercent} in 1..100 serves that share of the keys,
 *       when valid and different from the active one; otherwise there is no canary (noted);
 *   <li>{@code shadowVersion}, when valid, classifies every event for the shadow topic only;
 *   <li>with a canary, the active version also scores {@code pairedPercent} of the canary's events
 *       (a sample by event id, {@link CanarySplit#isPaired}) as BASELINE predictions on the shadow
 *       topic, so the canary is compared with it on the same events: the rollout's {@code
 *       pairedPercent} when set (clamped to 0..100, noted), else the app's default.
 * </ul>
 *
 * @param pairedPercent share of the canary's events the active version also scores; 0 without a
 *     canary
 * @param latest the newest valid version; kept loaded so that leaving a pin is instant
 * @param notes human-readable deviations from what the rollout asked for
 */
public record RoutingPlan(
    long active,
    Long canary,
    int canaryPercent,
    int pairedPercent,
    Long shadow,
    long latest,
    List<String> notes) {

  /** The app's default share of a canary's events that the active version also scores. */
  public static final int DEFAULT_PAIRED_PERCENT = 100;

  public RoutingPlan {
    notes = List.copyOf(notes);
  }

  /** {@link #decide(NavigableSet, Map, ModelRollout, int)} with the default paired percent. */
  public static Optional<RoutingPlan> decide(
      NavigableSet<Long> valid, Map<Long, String> refused, ModelRollout rollout) {
    return decide(valid, refused, rollout, DEFAULT_PAIRED_PERCENT);
  }

  /**
   * Empty when no version is valid: nothing can serve.
   *
   * @param defaultPairedPercent the pairedPercent of a rollout that sets none (0..100)
   */
  public static Optional<RoutingPlan> decide(
      NavigableSet<Long> valid,
      Map<Long, String> refused,
      ModelRollout rollout,
      int defaultPairedPercent) {
    if (valid.isEmpty()) {
      return Optional.empty();
    }
    long latest = valid.last();
    List<String> notes = new ArrayList<>();
    long active = latest;
    Long canary = null;
    int percent = 0;
    int paired = 0;
    Long shadow = null;
    if (rollout != null) {
      Long pin = rollout.getActiveVersion();
      if (pin != null) {
        if (valid.contains(pin)) {
          active = pin;
        } else {
          notes.add(
              "pinned version "
                  + pin
                  + " "
                  + unavailable(pin, refused)
                  + "; serving the newest valid version "
                  + latest);
        }
      }
      Long wantedCanary = rollout.getCanaryVersion();
      int wantedPercent = Math.max(0, Math.min(100, rollout.getCanaryPercent()));
      if (wantedPercent != rollout.getCanaryPercent()) {
        notes.add("canary percent " + rollout.getCanaryPercent() + " clamped to " + wantedPercent);
      }
      if (wantedCanary != null) {
        if (!valid.contains(wantedCanary)) {
          notes.add(
              "canary version "
                  + wantedCanary
                  + " "
                  + unavailable(wantedCanary, refused)
                  + "; no canary");
        } else if (wantedCanary == active) {
          notes.add("canary version " + wantedCanary + " is the active version; no canary");
        } else if (wantedPercent == 0) {
          notes.add("canary version " + wantedCanary + " has 0 percent; no canary");
        } else {
          canary = wantedCanary;
          percent = wantedPercent;
          paired = pairedPercent(rollout.getPairedPercent(), defaultPairedPercent, notes);
        }
      }
      Long wantedShadow = rollout.getShadowVersion();
      if (wantedShadow != null) {
        if (valid.contains(wantedShadow)) {
          shadow = wantedShadow;
        } else {
          notes.add(
              "shadow version "
                  + wantedShadow
                  + " "
                  + unavailable(wantedShadow, refused)
                  + "; no shadow");
        }
      }
    }
    return Optional.of(new RoutingPlan(active, canary, percent, paired, shadow, latest, notes));
  }

  private static int pairedPercent(Integer wanted, int defaultPercent, List<String> notes) {
    if (wanted == null) {
      return defaultPercent;
    }
    int clamped = Math.max(0, Math.min(100, wanted));
    if (clamped != wanted) {
      notes.add("paired percent " + wanted + " clamped to " + clamped);
    }
    return clamped;
  }

  /** Every version this plan needs loaded. */
  public Set<Long> versions() {
    Set<Long> versions = new LinkedHashSet<>();
    versions.add(active);
    if (canary != null) {
      versions.add(canary);
    }
    if (shadow != null) {
      versions.add(shadow);
    }
    versions.add(latest);
    return versions;
  }

  /** Same versions, split and paired sample (notes aside). */
  public boolean sameRoutes(RoutingPlan other) {
    return other != null
        && active == other.active
        && Objects.equals(canary, other.canary)
        && canaryPercent == other.canaryPercent
        && pairedPercent == other.pairedPercent
        && Objects.equals(shadow, other.shadow);
  }

  private static String unavailable(long version, Map<Long, String> refused) {
    String reason = refused.get(version);
    return reason != null
        ? "was refused (" + reason + ")"
        : "is not (yet) a loaded version of the models topic";
  }
}
