package org.mniststream.trainer.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.mniststream.model.Architecture;
import org.mniststream.model.LoadedModel;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.trainer.data.BatchFeeder;
import org.mniststream.trainer.data.IdxDataset;

/**
 * Evaluates a model on a labelled dataset through the serving path ({@link LoadedModel#predict}
 * with the model's own input contract), so the numbers are the ones serving will see.
 */
public final class ModelEvaluator {
  /**
   * Probabilities are clipped to [1e-7, 1] before the logarithm, as Keras's categorical
   * cross-entropy does on softmax outputs: a confidently wrong float32 prediction would otherwise
   * give an infinite loss.
   */
  static final double PROBABILITY_FLOOR = 1e-7;

  private static final int CLASSES = Architecture.CLASSES;

  private ModelEvaluator() {}

  /**
   * Accuracy, mean loss, per-class accuracy and confusion matrix of {@code model} on {@code data}.
   */
  public static EvaluationMetrics evaluate(LoadedModel model, IdxDataset data, int batchSize) {
    if (data.count() == 0) {
      throw new IllegalArgumentException("cannot evaluate on an empty dataset");
    }
    BatchFeeder feeder =
        new BatchFeeder(data, model.normalizer(), Math.min(batchSize, data.count()));
    long[] confusion = new long[CLASSES * CLASSES];
    double lossSum = 0;
    for (int from = 0; from < data.count(); from += feeder.maxBatchSize()) {
      int count = Math.min(feeder.maxBatchSize(), data.count() - from);
      feeder.fillRange(from, count);
      float[] probabilities = model.predict(feeder.input(), count);
      for (int j = 0; j < count; j++) {
        int truth = (int) feeder.labels()[j];
        int predicted = argmax(probabilities, j * CLASSES);
        confusion[truth * CLASSES + predicted]++;
        double p = Math.max(probabilities[j * CLASSES + truth], PROBABILITY_FLOOR);
        lossSum -= Math.log(Math.min(p, 1.0));
      }
    }
    return metrics(confusion, lossSum / data.count(), data.count());
  }

  private static EvaluationMetrics metrics(long[] confusion, double loss, int size) {
    long correct = 0;
    List<Double> perClass = new ArrayList<>(CLASSES);
    List<Integer> matrix = new ArrayList<>(CLASSES * CLASSES);
    for (int t = 0; t < CLASSES; t++) {
      long rowTotal = 0;
      for (int p = 0; p < CLASSES; p++) {
        rowTotal += confusion[t * CLASSES + p];
        matrix.add((int) confusion[t * CLASSES + p]);
      }
      correct += confusion[t * CLASSES + t];
      perClass.add(rowTotal == 0 ? 0.0 : (double) confusion[t * CLASSES + t] / rowTotal);
    }
    return EvaluationMetrics.newBuilder()
        .setTestAccuracy((double) correct / size)
        .setTestLoss(loss)
        .setTestSize(size)
        .setPerClassAccuracy(perClass)
        .setConfusionMatrix(matrix)
        .setValidationAccuracy(null)
        .build();
  }

  /** The predicted class: index of the largest of the class scores starting at {@code offset}. */
  public static int argmax(float[] values, int offset) {
    int best = 0;
    for (int k = 1; k < CLASSES; k++) {
      if (values[offset + k] > values[offset + best]) {
        best = k;
      }
    }
    return best;
  }
}
