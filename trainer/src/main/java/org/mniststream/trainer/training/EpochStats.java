package org.mniststream.trainer.training;

import java.time.Duration;

/**
 * What one epoch achieved.
 *
 * @param epoch 1-based epoch number
 * @param batches optimisation steps taken
 * @param images training images seen
 * @param trainLoss mean softmax cross-entropy over the epoch's batches (weighted by batch size)
 * @param trainAccuracy fraction of the epoch's training images classified correctly while training
 * @param validationLoss loss on the validation split after the epoch, or NaN without one
 * @param validationAccuracy accuracy on the validation split after the epoch, or NaN without one
 * @param wallTime the epoch's wall time, validation included
 */
public record EpochStats(
    int epoch,
    long batches,
    long images,
    double trainLoss,
    double trainAccuracy,
    double validationLoss,
    double validationAccuracy,
    Duration wallTime) {

  public boolean hasValidation() {
    return !Double.isNaN(validationAccuracy);
  }

  /** One line for logs and the console. */
  public String describe() {
    String text =
        String.format("epoch %d: loss %.4f, accuracy %.4f", epoch, trainLoss, trainAccuracy);
    if (hasValidation()) {
      text +=
          String.format(", val_loss %.4f, val_accuracy %.4f", validationLoss, validationAccuracy);
    }
    return text + String.format(" (%d batches, %.1f s)", batches, wallTime.toMillis() / 1000.0);
  }
}
