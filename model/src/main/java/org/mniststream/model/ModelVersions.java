package org.mniststream.model;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.schemas.InputContract;
import org.mniststream.schemas.ModelVersion;

/** Creating networks and packaging their parameters as {@link ModelVersion}s. */
public final class ModelVersions {
  private ModelVersions() {}

  /**
   * Weights as Keras initializes them (the seed walkthrough's framework): Glorot uniform, limit
   * sqrt(6 / (fan_in + fan_out)), which is DJL's Xavier with averaged fans and magnitude 3. DJL's
   * own default (magnitude 6) starts every layer with weights sqrt(2) times as large. Biases stay
   * zero, as in both frameworks.
   */
  static final XavierInitializer GLOROT_UNIFORM =
      new XavierInitializer(
          XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3f);

  /**
   * A new model whose network is initialized with seeded random weights (Glorot uniform, see {@link
   * #GLOROT_UNIFORM}): the same seed gives the same weights. The caller owns (and closes) the
   * returned model.
   */
  public static Model newInitialized(Architecture architecture, InputContract contract, long seed) {
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed((int) seed);
    Model model = Model.newInstance(architecture.id(), "PyTorch");
    try {
      Block block = architecture.newBlock();
      model.setBlock(block);
      block.setInitializer(GLOROT_UNIFORM, Parameter.Type.WEIGHT);
      block.initialize(
          model.getNDManager(),
          DataType.FLOAT32,
          Architecture.inputShape(
              1, contract.getChannels(), contract.getHeight(), contract.getWidth()));
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Total number of scalar parameters of an initialized block. */
  public static long parameterCount(Block block) {
    return block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
  }

  /** "DJL x.y.z" of the running DJL. */
  public static String framework() {
    return "DJL " + Engine.getDjlVersion();
  }

  /** "PyTorch x.y.z" of the running engine. */
  public static String engine() {
    Engine engine = Engine.getEngine("PyTorch");
    return engine.getEngineName() + " " + engine.getVersion();
  }

  /** A complete, unsigned version record for these parameters (SHA-256 computed here). */
  public static ModelVersion describe(
      String modelName,
      long version,
      Long parentVersion,
      Architecture architecture,
      InputContract contract,
      byte[] parameters,
      EvaluationMetrics metrics,
      Map<String, String> trainingConfig,
      String datasetFingerprint) {
    return ModelVersion.newBuilder()
        .setModelName(modelName)
        .setVersion(version)
        .setParentVersion(parentVersion)
        .setCreatedAt(Instant.now())
        .setFramework(framework())
        .setEngine(engine())
        .setArchitecture(architecture.id())
        .setInputContract(contract)
        .setParameters(ByteBuffer.wrap(parameters))
        .setParametersSha256(Sha256.hex(parameters))
        .setMetrics(metrics)
        .setTrainingConfig(Map.copyOf(trainingConfig))
        .setDatasetFingerprint(datasetFingerprint)
        .build();
  }

  /** Metrics for a version that was not evaluated (tests, untrained baselines). */
  public static EvaluationMetrics notEvaluated() {
    return EvaluationMetrics.newBuilder()
        .setTestAccuracy(0)
        .setTestLoss(0)
        .setTestSize(0)
        .setPerClassAccuracy(java.util.Collections.nCopies(Architecture.CLASSES, 0.0))
        .setConfusionMatrix(
            java.util.Collections.nCopies(Architecture.CLASSES * Architecture.CLASSES, 0))
        .build();
  }

  /** An untrained, seeded version: valid in every respect but accuracy (tests, smoke runs). */
  public static ModelVersion untrained(
      String modelName, long version, Architecture architecture, long seed) {
    InputContract contract = InputContracts.scaledToUnit();
    try (Model model = newInitialized(architecture, contract, seed)) {
      byte[] parameters = ModelParameters.toBytes(model.getBlock());
      return describe(
          modelName,
          version,
          null,
          architecture,
          contract,
          parameters,
          notEvaluated(),
          Map.of("seed", Long.toString(seed), "trained", "false"),
          "none");
    }
  }
}
