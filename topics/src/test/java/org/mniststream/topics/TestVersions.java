package org.mniststream.topics;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.schemas.InputContract;
import org.mniststream.schemas.ModelVersion;

/** Model version records with made-up parameters: this module reads topics, it loads no model. */
final class TestVersions {
  private TestVersions() {}

  static ModelVersion version(String model, long version, String sha) {
    return ModelVersion.newBuilder()
        .setModelName(model)
        .setVersion(version)
        .setCreatedAt(Instant.parse("2026-11-30T10:00:00Z"))
        .setFramework("test")
        .setEngine("none")
        .setArchitecture("mlp-v1")
        .setInputContract(
            InputContract.newBuilder()
                .setHeight(28)
                .setWidth(28)
                .setChannels(1)
                .setScale(1f / 255)
                .setMean(0)
                .setStd(1)
                .setResize("mnist-fit")
                .build())
        .setParameters(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setParametersSha256(sha)
        .setMetrics(
            EvaluationMetrics.newBuilder()
                .setTestAccuracy(0)
                .setTestLoss(0)
                .setTestSize(0)
                .setPerClassAccuracy(List.of())
                .setConfusionMatrix(List.of())
                .build())
        .setTrainingConfig(Map.of())
        .setDatasetFingerprint("none")
        .build();
  }

  static byte[] encoded(String model, long version, String sha) {
    return ContractSerdes.modelVersion().encode(version(model, version, sha));
  }
}
