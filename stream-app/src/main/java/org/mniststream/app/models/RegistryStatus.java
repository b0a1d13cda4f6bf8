package org.mniststream.app.models;

import java.time.Instant;
import java.util.List;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.ModelVersion;

/**
 * What the registry knows and serves, as an immutable snapshot for {@code /model} and logs.
 *
 * @param active null while no version serves
 * @param canary null without a canary
 * @param pairedPercent share of the canary's events the active version also scores; 0 without a
 *     canary
 * @param shadow null without a shadow
 * @param rollout the latest rollout for the model, null without one
 * @param notes where the routing deviates from the rollout, and why
 * @param lastSwapAt when the routes last changed, null before the first model served
 * @param versions every valid version known, oldest first
 * @param refused the refused records, in the order they were refused; a key's refusal goes when a
 *     valid record or a tombstone replaces it
 * @param history the latest route changes, oldest first
 */
public record RegistryStatus(
    String modelName,
    VersionInfo active,
    VersionInfo canary,
    int canaryPercent,
    int pairedPercent,
    VersionInfo shadow,
    RolloutInfo rollout,
    List<String> notes,
    Instant lastSwapAt,
    List<VersionInfo> versions,
    List<Refusal> refused,
    List<Swap> history) {

  public RegistryStatus {
    notes = List.copyOf(notes);
    versions = List.copyOf(versions);
    refused = List.copyOf(refused);
    history = List.copyOf(history);
  }

  static RegistryStatus empty(String modelName) {
    return new RegistryStatus(
        modelName, null, null, 0, 0, null, null, List.of(), null, List.of(), List.of(), List.of());
  }

  /** A version's identity and test metrics (never its parameters). */
  public record VersionInfo(
      long version,
      String architecture,
      String parametersSha256,
      Instant createdAt,
      Long parentVersion,
      String signingKeyId,
      double testAccuracy,
      double testLoss,
      int testSize,
      Double validationAccuracy,
      boolean loaded,
      List<String> provenance) {

    static VersionInfo of(ModelVersion v, boolean loaded) {
      EvaluationMetrics m = v.getMetrics();
      return new VersionInfo(
          v.getVersion(),
          v.getArchitecture(),
          v.getParametersSha256(),
          v.getCreatedAt(),
          v.getParentVersion(),
          v.getSigningKeyId(),
          m.getTestAccuracy(),
          m.getTestLoss(),
          m.getTestSize(),
          m.getValidationAccuracy(),
          loaded,
          ProvenanceText.lines(v));
    }
  }

  /** The rollout record as received. */
  public record RolloutInfo(
      Long activeVersion,
      Long canaryVersion,
      int canaryPercent,
      Long shadowVersion,
      Instant issuedAt,
      String issuedBy,
      String reason) {

    static RolloutInfo of(ModelRollout r) {
      return r == null
          ? null
          : new RolloutInfo(
              r.getActiveVersion(),
              r.getCanaryVersion(),
              r.getCanaryPercent(),
              r.getShadowVersion(),
              r.getIssuedAt(),
              r.getIssuedBy(),
              r.getReason());
    }
  }

  /**
   * A record of the models topic that will not serve.
   *
   * @param key the record key as text
   * @param version null when neither the record nor its key names a version of this model
   * @param reason a {@code ModelRejectedException.Reason}, or a {@code DeadLetterReason} for
   *     records that do not decode
   */
  public record Refusal(String key, Long version, String reason, String message, Instant at) {}

  /** One change of the routes; versions are null where a route was off. */
  /**
   * @param recordAt the Kafka timestamp of the models or rollouts record that caused the swap; null
   *     when unknown or when the swap happened while the instance was starting
   */
  public record Swap(
      Instant at,
      Long activeBefore,
      Long activeAfter,
      Long canaryAfter,
      int canaryPercentAfter,
      Long shadowAfter,
      String cause,
      Instant recordAt) {}
}
