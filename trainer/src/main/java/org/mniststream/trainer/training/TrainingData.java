package org.mniststream.trainer.training;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.Splits;

/**
 * The data of one run, held as compact pixel bytes (47 MB for MNIST's 60k training images; floats
 * are made per batch).
 *
 * @param train images to train on
 * @param validation held-out part of the training images, empty without a validation split
 * @param test images to evaluate the trained model on
 * @param fingerprint SHA-256 naming the IDX files (see {@link DatasetFiles#fingerprint()})
 * @param source where the files came from, for logs
 */
public record TrainingData(
    IdxDataset train,
    Optional<IdxDataset> validation,
    IdxDataset test,
    String fingerprint,
    String source) {

  public TrainingData {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(test, "test");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(source, "source");
    if (train.count() == 0) {
      throw new IllegalArgumentException("no training images");
    }
  }

  /**
   * Loads the files; with a validation fraction above 0 the training images are split by a seeded
   * shuffle (0.2 gives the seed's 80/20).
   */
  public static TrainingData load(DatasetFiles files, double validationFraction, long seed)
      throws IOException {
    IdxDataset all = files.loadTrain();
    IdxDataset test = files.loadTest();
    String fingerprint = files.fingerprint();
    if (validationFraction <= 0) {
      return new TrainingData(all, Optional.empty(), test, fingerprint, files.source());
    }
    Splits.Split split = Splits.trainValidation(all.count(), validationFraction, seed);
    return new TrainingData(
        split.trainOf(all),
        Optional.of(split.validationOf(all)),
        test,
        fingerprint,
        files.source());
  }
}
