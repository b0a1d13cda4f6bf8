package org.mniststream.trainer.training;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.schemas.ModelVersion;

/**
 * Everything a training (or fine-tuning) run produced.
 *
 * @param epochs per-epoch statistics, in order
 * @param metrics the trained model's evaluation on the test set (also inside {@code version})
 * @param initialMetrics evaluation of the starting weights on the same test set, for fine-tuning
 * @param version the complete, unpublished version record (version number 0, unsigned)
 * @param summary the network's layers and parameter counts
 * @param trainingTime wall time of the epochs
 * @param evaluationTime wall time of the final test-set evaluation
 */
public record TrainingResult(
    List<EpochStats> epochs,
    EvaluationMetrics metrics,
    Optional<EvaluationMetrics> initialMetrics,
    ModelVersion version,
    ModelSummary summary,
    Duration trainingTime,
    Duration evaluationTime) {

  public TrainingResult {
    epochs = List.copyOf(epochs);
  }

  /** The last epoch's statistics. */
  public EpochStats lastEpoch() {
    return epochs.get(epochs.size() - 1);
  }
}
