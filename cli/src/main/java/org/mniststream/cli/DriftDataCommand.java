package org.mniststream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.IdxWriter;
import org.mniststream.trainer.data.MnistFiles;
import org.mniststream.trainer.data.ScannerDrift;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Writes "a new scanner" version of a dataset ({@link ScannerDrift}) as the four IDX files under
 * MNIST's names, so that {@code train}, {@code fine-tune} and {@code evaluate --data-dir DIR} read
 * it like MNIST.
 */
@Command(
    name = "drift-data",
    mixinStandardHelpOptions = true,
    description = {
      "Write a seeded 'new scanner' shift of MNIST (thicker strokes, rotation, grey background,"
          + " lower contrast, noise) as IDX files, train and test, for train, fine-tune and"
          + " evaluate --data-dir.",
      ""
    })
final class DriftDataCommand implements Callable<Integer> {
  private static final ScannerDrift.Settings DEFAULTS = ScannerDrift.Settings.DEFAULTS;

  @Spec CommandSpec spec;

  @Mixin RunOptions.Data data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Directory to write the four IDX files into (created if needed).")
  Path out;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seeds each image's angle and noise (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(
      names = "--with-original",
      description =
          "Append the original training images after the shifted ones in the training set (the"
              + " test set stays shifted only), so a fine-tune on it also rehearses the old data.")
  boolean withOriginal;

  @Option(
      names = "--stroke-radius",
      paramLabel = "R",
      description = "Stroke thickening, a dilation radius in pixels (default: ${DEFAULT-VALUE}).")
  int strokeRadius = DEFAULTS.strokeRadius();

  @Option(
      names = "--max-rotation",
      paramLabel = "DEG",
      description = "Largest rotation either way, in degrees (default: ${DEFAULT-VALUE}).")
  double maxRotation = DEFAULTS.maxRotationDegrees();

  @Option(
      names = "--contrast",
      paramLabel = "F",
      description = "Factor on the ink, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double contrast = DEFAULTS.contrast();

  @Option(
      names = "--background",
      paramLabel = "G",
      description = "Grey level of the paper, 0..255 (default: ${DEFAULT-VALUE}).")
  int background = DEFAULTS.background();

  @Option(
      names = "--noise",
      paramLabel = "SIGMA",
      description = "Sensor noise, standard deviation in grey levels (default: ${DEFAULT-VALUE}).")
  double noise = DEFAULTS.noiseSigma();

  @Override
  public Integer call() {
    ScannerDrift.Settings settings;
    try {
      settings = new ScannerDrift.Settings(strokeRadius, maxRotation, contrast, background, noise);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    try {
      DatasetFiles files = data.files();
      IdxDataset train = files.loadTrain();
      IdxDataset test = files.loadTest();
      // Different seeds for the two parts, so no test image shares its angle and noise with the
      // training image of the same index.
      IdxDataset shiftedTrain = ScannerDrift.shift(train, settings, seed);
      IdxDataset shiftedTest = ScannerDrift.shift(test, settings, ~seed);
      if (withOriginal) {
        shiftedTrain = concat(shiftedTrain, train);
      }
      Files.createDirectories(out);
      IdxWriter.write(
          shiftedTrain,
          out.resolve(MnistFiles.TRAIN_IMAGES),
          out.resolve(MnistFiles.TRAIN_LABELS),
          false);
      IdxWriter.write(
          shiftedTest,
          out.resolve(MnistFiles.TEST_IMAGES),
          out.resolve(MnistFiles.TEST_LABELS),
          false);
      stdout.printf(
          "wrote %d training images%s and %d test images, shifted by %s with seed %d, from %s,"
              + " to %s%n",
          shiftedTrain.count(),
          withOriginal ? " (" + train.count() + " of them the originals)" : "",
          shiftedTest.count(),
          settings,
          seed,
          files.source(),
          out);
      return 0;
    } catch (IOException e) {
      stderr.println("error: " + e.getMessage());
      return 1;
    }
  }

  /** {@code first} then {@code second}, in one dataset of the same image size. */
  static IdxDataset concat(IdxDataset first, IdxDataset second) {
    if (first.rows() != second.rows() || first.cols() != second.cols()) {
      throw new IllegalArgumentException("image sizes differ: " + first + ", " + second);
    }
    byte[] pixels = new byte[first.pixels().length + second.pixels().length];
    System.arraycopy(first.pixels(), 0, pixels, 0, first.pixels().length);
    System.arraycopy(second.pixels(), 0, pixels, first.pixels().length, second.pixels().length);
    byte[] labels = new byte[first.count() + second.count()];
    System.arraycopy(first.labels(), 0, labels, 0, first.count());
    System.arraycopy(second.labels(), 0, labels, first.count(), second.count());
    return new IdxDataset(
        pixels, labels, first.count() + second.count(), first.rows(), first.cols());
  }
}
