package org.mniststream.app.ops;

import org.mniststream.app.models.RegistryStatus;

/** The {@code /model} document: what serves, what was refused, and how the routes changed. */
public final class ModelStatusJson {
  private ModelStatusJson() {}

  public static String toJson(RegistryStatus s) {
    Json j = new Json().beginObject();
    j.name("modelName").value(s.modelName());
    j.name("ready").value(s.active() != null);
    j.name("active");
    version(j, s.active());
    j.name("canary");
    version(j, s.canary());
    j.name("canaryPercent").value(s.canary() == null ? 0 : s.canaryPercent());
    j.name("shadow");
    version(j, s.shadow());
    j.name("rollout");
    rollout(j, s.rollout());
    j.name("notes").strings(s.notes());
    j.name("lastSwapAt").value(s.lastSwapAt());
    j.name("versions").beginArray();
    s.versions().forEach(v -> version(j, v));
    j.endArray();
    j.name("refused").beginArray();
    for (RegistryStatus.Refusal r : s.refused()) {
      j.beginObject()
          .name("key")
          .value(r.key())
          .name("version")
          .value(r.version())
          .name("reason")
          .value(r.reason())
          .name("message")
          .value(r.message())
          .name("at")
          .value(r.at())
          .endObject();
    }
    j.endArray();
    j.name("history").beginArray();
    for (RegistryStatus.Swap w : s.history()) {
      j.beginObject()
          .name("at")
          .value(w.at())
          .name("activeBefore")
          .value(w.activeBefore())
          .name("active")
          .value(w.activeAfter())
          .name("canary")
          .value(w.canaryAfter())
          .name("canaryPercent")
          .value(w.canaryPercentAfter())
          .name("shadow")
          .value(w.shadowAfter())
          .name("cause")
          .value(w.cause())
          .endObject();
    }
    j.endArray();
    return j.endObject().toString();
  }

  private static void version(Json j, RegistryStatus.VersionInfo v) {
    if (v == null) {
      j.nullValue();
      return;
    }
    j.beginObject()
        .name("version")
        .value(v.version())
        .name("architecture")
        .value(v.architecture())
        .name("parametersSha256")
        .value(v.parametersSha256())
        .name("createdAt")
        .value(v.createdAt())
        .name("parentVersion")
        .value(v.parentVersion())
        .name("signingKeyId")
        .value(v.signingKeyId())
        .name("loaded")
        .value(v.loaded())
        .name("metrics")
        .beginObject()
        .name("testAccuracy")
        .value(v.testAccuracy())
        .name("testLoss")
        .value(v.testLoss())
        .name("testSize")
        .value(v.testSize())
        .name("validationAccuracy")
        .value(v.validationAccuracy())
        .endObject()
        .endObject();
  }

  private static void rollout(Json j, RegistryStatus.RolloutInfo r) {
    if (r == null) {
      j.nullValue();
      return;
    }
    j.beginObject()
        .name("activeVersion")
        .value(r.activeVersion())
        .name("canaryVersion")
        .value(r.canaryVersion())
        .name("canaryPercent")
        .value(r.canaryPercent())
        .name("shadowVersion")
        .value(r.shadowVersion())
        .name("issuedAt")
        .value(r.issuedAt())
        .name("issuedBy")
        .value(r.issuedBy())
        .name("reason")
        .value(r.reason())
        .endObject();
  }
}
