package org.mniststream.trainer.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.mniststream.model.Architecture;

/**
 * How to train: network, optimisation and stopping knobs.
 *
 * @param architecture network to build (ignored by fine-tuning, which keeps the parent's)
 * @param epochs passes over the training set
 * @param batchSize images per optimisation step (the last batch of an epoch may be smaller)
 * @param learningRate Adam's learning rate
 * @param seed seeds the initial weights and the per-epoch shuffle
 * @param maxBatches stop each epoch after this many batches; 0 means the whole training set
 * @param validationFraction fraction of the training images held out for validation; 0 for none
 * @param standardize standardize pixels with MNIST's mean and std (ignored by fine-tuning)
 * @param modelName model family the version belongs to
 */
public record TrainingSettings(
    Architecture architecture,
    int epochs,
    int batchSize,
    float learningRate,
    long seed,
    long maxBatches,
    double validationFraction,
    boolean standardize,
    String modelName) {

  public static final String DEFAULT_MODEL_NAME = "mnist";

  public TrainingSettings {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(modelName, "modelName");
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    if (!(learningRate > 0f) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    if (maxBatches < 0) {
      throw new IllegalArgumentException("max batches must be >= 0, got " + maxBatches);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation fraction must be in [0, 1), got " + validationFraction);
    }
    if (modelName.isBlank() || modelName.contains("/")) {
      throw new IllegalArgumentException("model name must be non-blank without '/': " + modelName);
    }
  }

  /** The seed's defaults: CNN, 10 epochs, batch 128, Adam 0.001, no validation split. */
  public static TrainingSettings defaults() {
    return new TrainingSettings(
        Architecture.CNN_V1, 10, 128, 0.001f, 42L, 0L, 0.0, false, DEFAULT_MODEL_NAME);
  }

  public TrainingSettings withArchitecture(Architecture value) {
    return new TrainingSettings(
        value,
        epochs,
        batchSize,
        learningRate,
        seed,
        maxBatches,
        validationFraction,
        standardize,
        modelName);
  }

  public TrainingSettings withEpochs(int value) {
    return new TrainingSettings(
        architecture,
        value,
        batchSize,
        learningRate,
        seed,
        maxBatches,
        validationFraction,
        standardize,
        modelName);
  }

  public TrainingSettings withLearningRate(float value) {
    return new TrainingSettings(
        architecture,
        epochs,
        batchSize,
        value,
        seed,
        maxBatches,
        validationFraction,
        standardize,
        modelName);
  }

  public TrainingSettings withMaxBatches(long value) {
    return new TrainingSettings(
        architecture,
        epochs,
        batchSize,
        learningRate,
        seed,
        value,
        validationFraction,
        standardize,
        modelName);
  }

  public TrainingSettings withSeed(long value) {
    return new TrainingSettings(
        architecture,
        epochs,
        batchSize,
        learningRate,
        value,
        maxBatches,
        validationFraction,
        standardize,
        modelName);
  }

  public TrainingSettings withModelName(String value) {
    return new TrainingSettings(
        architecture,
        epochs,
        batchSize,
        learningRate,
        seed,
        maxBatches,
        validationFraction,
        standardize,
        value);
  }

  /** The settings as the strings stored in {@code ModelVersion.trainingConfig}. */
  public Map<String, String> asConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("epochs", Integer.toString(epochs));
    config.put("batchSize", Integer.toString(batchSize));
    config.put("optimizer", "adam");
    config.put("learningRate", Float.toString(learningRate));
    config.put("loss", "softmax-cross-entropy");
    config.put("seed", Long.toString(seed));
    config.put("maxBatches", Long.toString(maxBatches));
    config.put("validationFraction", Double.toString(validationFraction));
    return config;
  }
}
