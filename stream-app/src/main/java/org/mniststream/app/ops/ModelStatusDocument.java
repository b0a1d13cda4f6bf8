package org.mniststream.app.ops;

import java.time.Instant;
import java.util.List;
import org.mniststream.app.models.RegistryStatus;

/**
 * The {@code /model} document: what serves, what was refused, and how the routes changed. Jackson
 * writes it as it stands; the dashboard page and operators read these names, so they are the
 * contract (pinned by {@code ModelStatusDocumentTest}).
 *
 * @param ready whether a version serves (an active one)
 * @param canaryPercent 0 without a canary
 * @param pairedPercent share of the canary's events the active version also scores (BASELINE
 *     predictions, for the paired comparison); 0 without a canary
 */
public record ModelStatusDocument(
    String modelName,
    boolean ready,
    Version active,
    Version canary,
    int canaryPercent,
    int pairedPercent,
    Version shadow,
    RegistryStatus.RolloutInfo rollout,
    List<String> notes,
    Instant lastSwapAt,
    List<Version> versions,
    List<RegistryStatus.Refusal> refused,
    List<Swap> history) {

  public static ModelStatusDocument of(RegistryStatus s) {
    return new ModelStatusDocument(
        s.modelName(),
        s.active() != null,
        Version.of(s.active()),
        Version.of(s.canary()),
        s.canary() == null ? 0 : s.canaryPercent(),
        s.canary() == null ? 0 : s.pairedPercent(),
        Version.of(s.shadow()),
        s.rollout(),
        s.notes(),
        s.lastSwapAt(),
        s.versions().stream().map(Version::of).toList(),
        s.refused(),
        s.history().stream().map(Swap::of).toList());
  }

  /**
   * A version's identity, whether it is loaded, and its metrics on the test set.
   *
   * @param provenance for a version fine-tuned from topics, where it learnt from (two lines, as
   *     {@code models} prints them); empty otherwise
   */
  public record Version(
      long version,
      String architecture,
      String parametersSha256,
      Instant createdAt,
      Long parentVersion,
      String signingKeyId,
      boolean loaded,
      Metrics metrics,
      List<String> provenance) {

    static Version of(RegistryStatus.VersionInfo v) {
      return v == null
          ? null
          : new Version(
              v.version(),
              v.architecture(),
              v.parametersSha256(),
              v.createdAt(),
              v.parentVersion(),
              v.signingKeyId(),
              v.loaded(),
              new Metrics(v.testAccuracy(), v.testLoss(), v.testSize(), v.validationAccuracy()),
              v.provenance());
    }
  }

  public record Metrics(
      double testAccuracy, double testLoss, int testSize, Double validationAccuracy) {}

  /** One change of the routes, named after what serves once it is done. */
  public record Swap(
      Instant at,
      Long activeBefore,
      Long active,
      Long canary,
      int canaryPercent,
      Long shadow,
      String cause,
      Instant recordAt) {

    static Swap of(RegistryStatus.Swap w) {
      return new Swap(
          w.at(),
          w.activeBefore(),
          w.activeAfter(),
          w.canaryAfter(),
          w.canaryPercentAfter(),
          w.shadowAfter(),
          w.cause(),
          w.recordAt());
    }
  }
}
