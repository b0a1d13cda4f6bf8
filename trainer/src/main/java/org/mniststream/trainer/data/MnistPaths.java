package org.mniststream.trainer.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The four uncompressed MNIST files after {@link MnistFiles#acquire} has verified them.
 *
 * @param trainImages {@code train-images-idx3-ubyte}
 * @param trainLabels {@code train-labels-idx1-ubyte}
 * @param testImages {@code t10k-images-idx3-ubyte}
 * @param testLabels {@code t10k-labels-idx1-ubyte}
 * @param source which source supplied the files, for logs and provenance (e.g. {@code "cache
 *     /home/u/.cache/mnist-stream/mnist"})
 */
public record MnistPaths(
    Path trainImages, Path trainLabels, Path testImages, Path testLabels, String source) {

  /** Checks that no component is null. */
  public MnistPaths {
    Objects.requireNonNull(trainImages, "trainImages");
    Objects.requireNonNull(trainLabels, "trainLabels");
    Objects.requireNonNull(testImages, "testImages");
    Objects.requireNonNull(testLabels, "testLabels");
    Objects.requireNonNull(source, "source");
  }

  /** The standard file names inside {@code dir}. */
  static MnistPaths in(Path dir, String source) {
    return new MnistPaths(
        dir.resolve(MnistFiles.TRAIN_IMAGES),
        dir.resolve(MnistFiles.TRAIN_LABELS),
        dir.resolve(MnistFiles.TEST_IMAGES),
        dir.resolve(MnistFiles.TEST_LABELS),
        source);
  }

  /** Loads the 60,000 training images and labels. */
  public IdxDataset loadTrain() throws IOException {
    return IdxDataset.load(trainImages, trainLabels);
  }

  /** Loads the 10,000 test images and labels. */
  public IdxDataset loadTest() throws IOException {
    return IdxDataset.load(testImages, testLabels);
  }
}
