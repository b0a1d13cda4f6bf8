package org.mniststream.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mniststream.app.models.RegistryStatus;

class ModelStatusJsonTest {
  private static final Instant T = Instant.parse("2025-06-01T12:00:00Z");

  private static RegistryStatus.VersionInfo version(long v) {
    return new RegistryStatus.VersionInfo(
        v, "mlp-v1", "ab" + v, T, null, null, 0.98, 0.07, 10_000, null, true);
  }

  @Test
  void shouldDescribeRoutesRefusalsAndHistory() {
    RegistryStatus status =
        new RegistryStatus(
            "mnist",
            version(2),
            version(3),
            10,
            null,
            new RegistryStatus.RolloutInfo(2L, 3L, 10, null, T, "ops", "try v3"),
            List.of("shadow version 9 is not (yet) a loaded version"),
            T,
            List.of(version(2), version(3)),
            List.of(
                new RegistryStatus.Refusal(
                    "mnist/0000000004", 4L, "SHA256_MISMATCH", "hash \"x\"", T)),
            List.of(new RegistryStatus.Swap(T, null, 2L, 3L, 10, null, "rollout by ops")));

    String json = ModelStatusJson.toJson(status);

    assertThat(json)
        .startsWith("{\"modelName\":\"mnist\",\"ready\":true,\"active\":{\"version\":2,")
        .contains(
            "\"canary\":{\"version\":3,\"architecture\":\"mlp-v1\",\"parametersSha256\":\"ab3\","
                + "\"createdAt\":\"2025-06-01T12:00:00Z\",\"parentVersion\":null,"
                + "\"signingKeyId\":null,\"loaded\":true,\"metrics\":{\"testAccuracy\":0.98,"
                + "\"testLoss\":0.07,\"testSize\":10000,\"validationAccuracy\":null}}")
        .contains("\"canaryPercent\":10,\"shadow\":null")
        .contains("\"rollout\":{\"activeVersion\":2,\"canaryVersion\":3,\"canaryPercent\":10,")
        .contains("\"notes\":[\"shadow version 9 is not (yet) a loaded version\"]")
        .contains("\"lastSwapAt\":\"2025-06-01T12:00:00Z\"")
        .contains(
            "\"refused\":[{\"key\":\"mnist/0000000004\",\"version\":4,"
                + "\"reason\":\"SHA256_MISMATCH\",\"message\":\"hash \\\"x\\\"\"")
        .contains(
            "\"history\":[{\"at\":\"2025-06-01T12:00:00Z\",\"activeBefore\":null,\"active\":2,"
                + "\"canary\":3,\"canaryPercent\":10,\"shadow\":null,\"cause\":\"rollout by ops\"}]")
        .endsWith("}");
  }

  @Test
  void shouldSayNotReadyWithoutAnActiveVersion() {
    RegistryStatus empty =
        new RegistryStatus(
            "mnist", null, null, 0, null, null, List.of(), null, List.of(), List.of(), List.of());

    assertThat(ModelStatusJson.toJson(empty))
        .isEqualTo(
            "{\"modelName\":\"mnist\",\"ready\":false,\"active\":null,\"canary\":null,"
                + "\"canaryPercent\":0,\"shadow\":null,\"rollout\":null,\"notes\":[],"
                + "\"lastSwapAt\":null,\"versions\":[],\"refused\":[],\"history\":[]}");
  }
}
