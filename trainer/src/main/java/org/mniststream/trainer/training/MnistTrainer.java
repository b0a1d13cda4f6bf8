package org.mniststream.trainer.training;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.mniststream.model.Architecture;
import org.mniststream.model.InputContracts;
import org.mniststream.model.InputNormalizer;
import org.mniststream.model.LoadedModel;
import org.mniststream.model.ModelParameters;
import org.mniststream.model.ModelRejectedException;
import org.mniststream.model.ModelVerifier;
import org.mniststream.model.ModelVersions;
import org.mniststream.model.Sha256;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.schemas.InputContract;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.data.BatchFeeder;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.evaluation.ModelEvaluator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains, fine-tunes and evaluates MNIST classifiers with DJL on PyTorch.
 *
 * <p>The loop is DJL's own training step (forward, softmax cross-entropy on logits, backward in a
 * {@link GradientCollector}, Adam step) over batches assembled from the compact pixel bytes by
 * {@link BatchFeeder}. Ownership: the {@link Model} belongs to the public entry point that made it,
 * the {@link Trainer} to the loop, and every array of a batch lives in a per-batch sub-manager that
 * is closed when the batch is done, so native memory stays flat across epochs.
 *
 * <p>Every evaluation, including per-epoch validation, loads the current parameter bytes into a
 * {@link LoadedModel} and goes through {@link LoadedModel#predict}: the serving path, so the
 * numbers reported are the numbers the stream app will get.
 */
public final class MnistTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(MnistTrainer.class);
  private static final int EVALUATION_BATCH = 500;

  private MnistTrainer() {}

  /** Trains a new model from seeded random weights and evaluates it on the test set. */
  public static TrainingResult train(
      TrainingSettings settings, TrainingData data, ProgressListener progress) {
    InputContract contract =
        settings.standardize()
            ? InputContracts.standardized(InputContracts.MNIST_MEAN, InputContracts.MNIST_STD)
            : InputContracts.scaledToUnit();
    try (Model model =
        ModelVersions.newInitialized(settings.architecture(), contract, settings.seed())) {
      return run(model, settings, contract, null, data, progress);
    }
  }

  /**
   * Continues training from {@code parent}'s weights (architecture and input contract are the
   * parent's; {@code settings.architecture()} and {@code standardize()} are ignored). The result's
   * version has {@code parentVersion} = the parent's version, and its {@code initialMetrics} are
   * the parent's weights evaluated on {@code data.test()}.
   */
  public static TrainingResult fineTune(
      ModelVersion parent, TrainingSettings settings, TrainingData data, ProgressListener progress)
      throws MalformedModelException {
    Architecture architecture = architectureOf(parent);
    InputContract contract = parent.getInputContract();
    byte[] parameters = AvroBytes.copyOf(parent.getParameters());
    String sha256 = Sha256.hex(parameters);
    if (!sha256.equalsIgnoreCase(parent.getParametersSha256())) {
      throw new MalformedModelException(
          "parent parameters hash to "
              + sha256
              + " but the version declares "
              + parent.getParametersSha256());
    }
    Engine.getEngine("PyTorch").setRandomSeed((int) settings.seed());
    try (Model model = Model.newInstance(architecture.id() + "-fine-tune", "PyTorch")) {
      Block block = architecture.newBlock();
      model.setBlock(block);
      ModelParameters.load(block, model.getNDManager(), parameters);
      return run(model, settings.withArchitecture(architecture), contract, parent, data, progress);
    }
  }

  /**
   * Evaluates a model version on a test set through the serving path, after the checks the stream
   * app makes before serving one (parameters' SHA-256, architecture, input contract, smoke test;
   * signatures are not required here).
   */
  public static EvaluationMetrics evaluate(ModelVersion version, IdxDataset test)
      throws ModelRejectedException {
    try (LoadedModel loaded = new ModelVerifier(List.of()).verifyAndLoad(version)) {
      return ModelEvaluator.evaluate(loaded, test, EVALUATION_BATCH);
    }
  }

  /**
   * Evaluates a version on a dataset through the serving path without the serving checks (for
   * versions this process made or already checked, such as a fine-tune's parent and result).
   */
  public static EvaluationMetrics evaluateTrusted(ModelVersion version, IdxDataset data) {
    try (LoadedModel loaded = LoadedModel.load(version, architectureOf(version))) {
      return ModelEvaluator.evaluate(loaded, data, EVALUATION_BATCH);
    } catch (MalformedModelException e) {
      throw new IllegalStateException("the parameters do not load", e);
    }
  }

  private static TrainingResult run(
      Model model,
      TrainingSettings settings,
      InputContract contract,
      ModelVersion parent,
      TrainingData data,
      ProgressListener progress) {
    Architecture architecture = settings.architecture();
    Block block = model.getBlock();
    Map<String, String> config = new LinkedHashMap<>(settings.asConfig());
    config.put("trainImages", Integer.toString(data.train().count()));
    config.put("dataSource", data.source());
    if (parent != null) {
      config.put("parentModelName", parent.getModelName());
      config.put("parentParametersSha256", parent.getParametersSha256());
    }
    Long parentVersion = parent == null || parent.getVersion() < 1 ? null : parent.getVersion();
    ModelSummary summary = ModelSummary.of(architecture, block, contract);
    LOG.info(
        "training {} ({} parameters) on {} images from {}, {} epochs, batch {}, lr {}",
        architecture.id(),
        summary.totalParameters(),
        data.train().count(),
        data.source(),
        settings.epochs(),
        settings.batchSize(),
        settings.learningRate());
    progress.onStart(summary, settings, data);

    Optional<EvaluationMetrics> initialMetrics = Optional.empty();
    if (parent != null) {
      EvaluationMetrics initial =
          evaluateBytes(
              ModelParameters.toBytes(block), settings, architecture, contract, data.test());
      initialMetrics = Optional.of(initial);
      progress.onInitialEvaluation(initial);
    }

    List<EpochStats> epochs = new ArrayList<>();
    long trainingStart = System.nanoTime();
    DefaultTrainingConfig trainingConfig =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optOptimizer(
                Adam.builder()
                    .optLearningRateTracker(Tracker.fixed(settings.learningRate()))
                    .build());
    try (Trainer trainer = model.newTrainer(trainingConfig)) {
      // parameters are already initialized (seeded or loaded): this only attaches gradients
      trainer.initialize(
          Architecture.inputShape(
              settings.batchSize(),
              contract.getChannels(),
              contract.getHeight(),
              contract.getWidth()));
      BatchFeeder feeder =
          new BatchFeeder(data.train(), new InputNormalizer(contract), settings.batchSize());
      int[] order = new int[data.train().count()];
      Arrays.setAll(order, i -> i);
      Random shuffle = new Random(settings.seed());
      for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
        epochs.add(
            trainEpoch(
                trainer,
                feeder,
                order,
                shuffle,
                epoch,
                settings,
                contract,
                architecture,
                data,
                progress));
      }
    }
    Duration trainingTime = Duration.ofNanos(System.nanoTime() - trainingStart);

    long evaluationStart = System.nanoTime();
    byte[] parameters = ModelParameters.toBytes(block);
    ModelVersion unevaluated =
        ModelVersions.describe(
            settings.modelName(),
            0,
            parentVersion,
            architecture,
            contract,
            parameters,
            ModelVersions.notEvaluated(),
            config,
            data.fingerprint());
    EvaluationMetrics metrics;
    try (LoadedModel loaded = LoadedModel.load(unevaluated, architecture)) {
      metrics = ModelEvaluator.evaluate(loaded, data.test(), EVALUATION_BATCH);
    } catch (MalformedModelException e) {
      throw new IllegalStateException("the trained parameters do not load back", e);
    }
    EpochStats last = epochs.get(epochs.size() - 1);
    if (last.hasValidation()) {
      metrics.setValidationAccuracy(last.validationAccuracy());
    }
    Duration evaluationTime = Duration.ofNanos(System.nanoTime() - evaluationStart);
    unevaluated.setMetrics(metrics);
    // the schema stores milliseconds: truncate so the result equals what is saved or published
    unevaluated.setCreatedAt(unevaluated.getCreatedAt().truncatedTo(ChronoUnit.MILLIS));
    progress.onEvaluation(metrics);
    LOG.info(
        "test accuracy {} loss {} on {} images; training {} s, evaluation {} s",
        String.format("%.4f", metrics.getTestAccuracy()),
        String.format("%.4f", metrics.getTestLoss()),
        metrics.getTestSize(),
        trainingTime.toMillis() / 1000.0,
        evaluationTime.toMillis() / 1000.0);
    return new TrainingResult(
        epochs, metrics, initialMetrics, unevaluated, summary, trainingTime, evaluationTime);
  }

  private static EpochStats trainEpoch(
      Trainer trainer,
      BatchFeeder feeder,
      int[] order,
      Random shuffle,
      int epoch,
      TrainingSettings settings,
      InputContract contract,
      Architecture architecture,
      TrainingData data,
      ProgressListener progress) {
    long start = System.nanoTime();
    shuffleInPlace(order, shuffle);
    int batchSize = settings.batchSize();
    long batches = (order.length + batchSize - 1) / batchSize;
    if (settings.maxBatches() > 0) {
      batches = Math.min(batches, settings.maxBatches());
    }
    progress.onEpochStart(epoch, settings.epochs(), batches);
    double lossSum = 0;
    long correct = 0;
    long seen = 0;
    for (long b = 0; b < batches; b++) {
      int from = (int) (b * batchSize);
      int count = Math.min(batchSize, order.length - from);
      feeder.fill(order, from, count);
      try (NDManager batch = trainer.getManager().newSubManager()) {
        NDArray x =
            batch.create(
                feeder.inputBuffer(count),
                Architecture.inputShape(
                    count, contract.getChannels(), contract.getHeight(), contract.getWidth()),
                DataType.FLOAT32);
        NDArray y = batch.create(feeder.labelBuffer(count), new Shape(count), DataType.INT64);
        float loss;
        float[] logits;
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDList predictions = trainer.forward(new NDList(x));
          NDArray lossValue = trainer.getLoss().evaluate(new NDList(y), predictions);
          collector.backward(lossValue);
          loss = lossValue.getFloat();
          logits = predictions.singletonOrThrow().toFloatArray();
        }
        trainer.step();
        lossSum += (double) loss * count;
        for (int j = 0; j < count; j++) {
          if (ModelEvaluator.argmax(logits, j * Architecture.CLASSES) == feeder.labels()[j]) {
            correct++;
          }
        }
        seen += count;
      }
      if (!Double.isFinite(lossSum)) {
        throw new IllegalStateException(
            "training diverged: loss is " + lossSum + " at epoch " + epoch + " batch " + (b + 1));
      }
      progress.onBatch(epoch, b + 1, batches, lossSum / seen, (double) correct / seen);
    }
    double validationLoss = Double.NaN;
    double validationAccuracy = Double.NaN;
    if (data.validation().isPresent()) {
      EvaluationMetrics validation =
          evaluateBytes(
              ModelParameters.toBytes(trainer.getModel().getBlock()),
              settings,
              architecture,
              contract,
              data.validation().get());
      validationLoss = validation.getTestLoss();
      validationAccuracy = validation.getTestAccuracy();
    }
    EpochStats stats =
        new EpochStats(
            epoch,
            batches,
            seen,
            lossSum / seen,
            (double) correct / seen,
            validationLoss,
            validationAccuracy,
            Duration.ofNanos(System.nanoTime() - start));
    LOG.debug("{}", stats.describe());
    progress.onEpochEnd(stats);
    return stats;
  }

  private static EvaluationMetrics evaluateBytes(
      byte[] parameters,
      TrainingSettings settings,
      Architecture architecture,
      InputContract contract,
      IdxDataset dataset) {
    ModelVersion snapshot =
        ModelVersions.describe(
            settings.modelName(),
            0,
            null,
            architecture,
            contract,
            parameters,
            ModelVersions.notEvaluated(),
            Map.of(),
            "none");
    try (LoadedModel loaded = LoadedModel.load(snapshot, architecture)) {
      return ModelEvaluator.evaluate(loaded, dataset, EVALUATION_BATCH);
    } catch (MalformedModelException e) {
      throw new IllegalStateException("parameters do not load back", e);
    }
  }

  /** Fisher-Yates with the run's seeded generator: the same seed gives the same epoch orders. */
  private static void shuffleInPlace(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
  }

  /** The architecture a version declares; fails on an id this build does not know. */
  public static Architecture architectureOf(ModelVersion version) {
    return Architecture.byId(version.getArchitecture())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown architecture '" + version.getArchitecture() + "'"));
  }
}
