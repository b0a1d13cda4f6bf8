package org.mniststream.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.schemas.InputContract;
import org.mniststream.schemas.ModelVersion;

/**
 * Models-topic values with made-up parameters, for tests of code that reads, keeps or compares
 * model records without loading them (readers, catalogues). Nothing here would pass verification.
 */
public final class ModelVersionRecords {
  private ModelVersionRecords() {}

  /** A version of {@code model} whose parameters are the bytes of {@code parameters}. */
  public static ModelVersion unverifiable(String model, long version, String parameters) {
    return ModelVersion.newBuilder()
        .setModelName(model)
        .setVersion(version)
        .setCreatedAt(Instant.parse("2026-01-01T00:00:00Z"))
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
        .setParameters(ByteBuffer.wrap(parameters.getBytes(StandardCharsets.UTF_8)))
        .setParametersSha256("not checked here: " + parameters)
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

  /** {@link #unverifiable} encoded as the models topic carries it. */
  public static byte[] encoded(String model, long version, String parameters) {
    return ContractSerdes.modelVersion().encode(unverifiable(model, version, parameters));
  }
}
