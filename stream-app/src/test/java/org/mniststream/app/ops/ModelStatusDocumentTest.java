package org.mniststream.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mniststream.app.models.RegistryStatus;
import org.mniststream.schemas.json.JsonCodec;

/** Pins the {@code /model} document's names and nesting: the dashboard page and users read it. */
class ModelStatusDocumentTest {
  private static final Instant T = Instant.parse("2025-06-01T12:00:00Z");

  private static RegistryStatus.VersionInfo version(long v) {
    return new RegistryStatus.VersionInfo(
        v,
        "mlp-v1",
        "ab" + v,
        T,
        null,
        null,
        0.98,
        0.07,
        10_000,
        null,
        true,
        v == 3 ? List.of("from v2: mnist.image-events 0:0-9", "accuracy: ...") : List.of());
  }

  private static JsonNode json(RegistryStatus status) throws Exception {
    return JsonCodec.readTree(JsonCodec.write(ModelStatusDocument.of(status)));
  }

  @Test
  void shouldDescribeRoutesRefusalsAndHistory() throws Exception {
    RegistryStatus status =
        new RegistryStatus(
            "mnist",
            version(2),
            version(3),
            10,
            50,
            null,
            new RegistryStatus.RolloutInfo(2L, 3L, 10, null, T, "ops", "try v3"),
            List.of("shadow version 9 is not (yet) a loaded version"),
            T,
            List.of(version(2), version(3)),
            List.of(
                new RegistryStatus.Refusal(
                    "mnist/0000000004", 4L, "SHA256_MISMATCH", "hash \"x\"", T)),
            List.of(
                new RegistryStatus.Swap(
                    T, null, 2L, 3L, 10, null, "rollout by ops", T.minusMillis(40))));

    JsonNode json = json(status);

    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly(
            "modelName",
            "ready",
            "active",
            "canary",
            "canaryPercent",
            "pairedPercent",
            "shadow",
            "rollout",
            "notes",
            "lastSwapAt",
            "versions",
            "refused",
            "history");
    assertThat(json.get("modelName").textValue()).isEqualTo("mnist");
    assertThat(json.get("ready").booleanValue()).isTrue();
    assertThat(json.get("active").get("version").longValue()).isEqualTo(2);
    assertThat(json.get("canary"))
        .isEqualTo(
            JsonCodec.readTree(
                "{\"version\":3,\"architecture\":\"mlp-v1\",\"parametersSha256\":\"ab3\","
                    + "\"createdAt\":\"2025-06-01T12:00:00Z\",\"parentVersion\":null,"
                    + "\"signingKeyId\":null,\"loaded\":true,\"metrics\":{\"testAccuracy\":0.98,"
                    + "\"testLoss\":0.07,\"testSize\":10000,\"validationAccuracy\":null},"
                    + "\"provenance\":[\"from v2: mnist.image-events 0:0-9\",\"accuracy: ...\"]}"));
    assertThat(json.get("canaryPercent").intValue()).isEqualTo(10);
    assertThat(json.get("pairedPercent").intValue()).isEqualTo(50);
    assertThat(json.get("shadow").isNull()).isTrue();
    assertThat(json.get("rollout"))
        .isEqualTo(
            JsonCodec.readTree(
                "{\"activeVersion\":2,\"canaryVersion\":3,\"canaryPercent\":10,"
                    + "\"shadowVersion\":null,\"issuedAt\":\"2025-06-01T12:00:00Z\","
                    + "\"issuedBy\":\"ops\",\"reason\":\"try v3\"}"));
    assertThat(json.get("notes"))
        .isEqualTo(JsonCodec.readTree("[\"shadow version 9 is not (yet) a loaded version\"]"));
    assertThat(json.get("lastSwapAt").textValue()).isEqualTo("2025-06-01T12:00:00Z");
    assertThat(json.get("versions"))
        .extracting(v -> v.get("version").longValue())
        .containsExactly(2L, 3L);
    assertThat(json.get("refused"))
        .isEqualTo(
            JsonCodec.readTree(
                "[{\"key\":\"mnist/0000000004\",\"version\":4,\"reason\":\"SHA256_MISMATCH\","
                    + "\"message\":\"hash \\\"x\\\"\",\"at\":\"2025-06-01T12:00:00Z\"}]"));
    assertThat(json.get("history"))
        .isEqualTo(
            JsonCodec.readTree(
                "[{\"at\":\"2025-06-01T12:00:00Z\",\"activeBefore\":null,\"active\":2,"
                    + "\"canary\":3,\"canaryPercent\":10,\"shadow\":null,"
                    + "\"cause\":\"rollout by ops\",\"recordAt\":\"2025-06-01T11:59:59.960Z\"}]"));
  }

  @Test
  void shouldSayNotReadyWithoutAnActiveVersion() throws Exception {
    RegistryStatus empty =
        new RegistryStatus(
            "mnist", null, null, 0, 0, null, null, List.of(), null, List.of(), List.of(),
            List.of());

    assertThat(json(empty))
        .isEqualTo(
            JsonCodec.readTree(
                "{\"modelName\":\"mnist\",\"ready\":false,\"active\":null,\"canary\":null,"
                    + "\"canaryPercent\":0,\"pairedPercent\":0,\"shadow\":null,\"rollout\":null,"
                    + "\"notes\":[],"
                    + "\"lastSwapAt\":null,\"versions\":[],\"refused\":[],\"history\":[]}"));
  }
}
