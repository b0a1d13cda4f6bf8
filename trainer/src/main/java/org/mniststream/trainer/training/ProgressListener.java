package org.mniststream.trainer.training;

import org.mniststream.schemas.EvaluationMetrics;

/** Callbacks from a training run, in order; every method defaults to doing nothing. */
public interface ProgressListener {
  /** Listens to nothing. */
  ProgressListener SILENT = new ProgressListener() {};

  /** Before the first epoch. */
  default void onStart(ModelSummary summary, TrainingSettings settings, TrainingData data) {}

  /** The starting weights' test metrics, when fine-tuning. */
  default void onInitialEvaluation(EvaluationMetrics metrics) {}

  default void onEpochStart(int epoch, int epochs, long batches) {}

  /** After each batch, with the epoch's running mean loss and accuracy. */
  default void onBatch(
      int epoch, long batch, long batches, double runningLoss, double runningAccuracy) {}

  default void onEpochEnd(EpochStats stats) {}

  /** After the final test-set evaluation. */
  default void onEvaluation(EvaluationMetrics metrics) {}
}
