package org.mniststream.app.testing;

import ai.djl.Model;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mniststream.model.Architecture;
import org.mniststream.model.InputContracts;
import org.mniststream.model.ModelParameters;
import org.mniststream.model.ModelVersions;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.InputContract;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;

/**
 * Model versions for tests, as the encoded bytes a models-topic record carries. Untrained (valid in
 * every respect but accuracy) and seeded, so the same arguments give the same weights; cached,
 * because building a network costs more than the tests that use it. (The trainer's {@code
 * TestModels} is another thing: models trained on a data subset, as directories.)
 */
public final class TestModelRecords {
  public static final String NAME = "mnist";

  private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

  private TestModelRecords() {}

  /** An untrained MLP version (small and fast), seed = version. */
  public static byte[] mlp(long version) {
    return CACHE.computeIfAbsent(
        "mlp/" + version,
        k -> encode(ModelVersions.untrained(NAME, version, Architecture.MLP_V1, version)));
  }

  /** An untrained CNN version, seed = version. */
  public static byte[] cnn(long version) {
    return CACHE.computeIfAbsent(
        "cnn/" + version,
        k -> encode(ModelVersions.untrained(NAME, version, Architecture.CNN_V1, version)));
  }

  /** An MLP whose contract standardizes with MNIST's mean and std (not the default scaling). */
  public static ModelVersion standardizedMlp(long version) {
    InputContract contract =
        InputContracts.standardized(InputContracts.MNIST_MEAN, InputContracts.MNIST_STD);
    try (Model model = ModelVersions.newInitialized(Architecture.MLP_V1, contract, version)) {
      byte[] parameters = ModelParameters.toBytes(model.getBlock());
      return ModelVersions.describe(
          NAME,
          version,
          null,
          Architecture.MLP_V1,
          contract,
          parameters,
          ModelVersions.notEvaluated(),
          Map.of("seed", Long.toString(version)),
          "none");
    }
  }

  /** A version whose parameters do not match their declared SHA-256. */
  public static byte[] corrupt(long version) {
    ModelVersion v = decode(mlp(version));
    byte[] parameters = AvroBytes.copyOf(v.getParameters());
    parameters[parameters.length / 2] ^= 0x5A;
    v.setParameters(ByteBuffer.wrap(parameters));
    return encode(v);
  }

  public static byte[] key(long version) {
    return TopicNames.modelKey(NAME, version).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  public static byte[] encode(ModelVersion v) {
    return ContractSerdes.modelVersion().encode(v);
  }

  public static ModelVersion decode(byte[] bytes) {
    return ContractSerdes.modelVersion().decode(bytes);
  }
}
