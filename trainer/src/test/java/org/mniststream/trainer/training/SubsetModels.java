package org.mniststream.trainer.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.mniststream.model.Architecture;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.MnistFiles;
import org.mniststream.trainer.publishing.ModelPublisher;
import org.mniststream.trainer.publishing.SavedModel;

/**
 * Test fixtures for this and other modules (shipped in the trainer's test-jar): the committed
 * genuine MNIST subset (3000 train + 1000 test images) as a directory, and small models trained on
 * it with real accuracy, cached under {@code target/test-models} by {@link TrainedModelCache}: each
 * is trained once, and again only when its settings, the subset or the training code change.
 *
 * <p>Usage from another module's test: {@code ModelVersion m = SubsetModels.subsetMlp();} then
 * publish {@code m.version()} (version 0, unsigned) with {@link ModelPublisher}, or run {@code
 * TrainerCli.execute("publish", "--model-dir", SubsetModels.subsetMlpDir().toString(), ...)}.
 */
public final class SubsetModels {
  /** Epochs of the cached subset CNN: enough for > 90 % test accuracy on the subset. */
  public static final int CNN_SUBSET_EPOCHS = 4;

  /** Epochs of the cached subset MLP, which learns more slowly per epoch (but epochs are cheap). */
  public static final int MLP_SUBSET_EPOCHS = 15;

  private static final String SUBSET_RESOURCE = "/mnist-subset/";

  private SubsetModels() {}

  /**
   * The directory holding the subset's four {@code .gz} IDX files: the resource directory itself
   * when it is on the file system, else (inside a jar) a copy under {@code target/mnist-subset}.
   */
  public static synchronized Path subsetDir() {
    URL marker = SubsetModels.class.getResource(SUBSET_RESOURCE + MnistFiles.TRAIN_IMAGES + ".gz");
    if (marker == null) {
      throw new IllegalStateException("the mnist-subset test resources are not on the classpath");
    }
    try {
      if ("file".equals(marker.getProtocol())) {
        return Path.of(marker.toURI()).getParent();
      }
      Path dir = Path.of("target", "mnist-subset").toAbsolutePath();
      Files.createDirectories(dir);
      for (String name : MnistFiles.NAMES) {
        Path target = dir.resolve(name + ".gz");
        if (!Files.exists(target)) {
          try (InputStream in =
              SubsetModels.class.getResourceAsStream(SUBSET_RESOURCE + name + ".gz")) {
            Path tmp = Files.createTempFile(dir, name, ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The subset as training data (no validation split). */
  public static TrainingData subsetData() {
    try {
      return TrainingData.load(DatasetFiles.inDirectory(subsetDir()), 0, 42L);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory of an MLP trained on the subset (saved with {@link SavedModel}). */
  public static Path subsetMlpDir() {
    return trained(Architecture.MLP_V1);
  }

  /** The directory of a CNN trained on the subset (saved with {@link SavedModel}). */
  public static Path subsetCnnDir() {
    return trained(Architecture.CNN_V1);
  }

  /** An MLP trained on the subset: unpublished (version 0), unsigned, test accuracy > 0.9. */
  public static ModelVersion subsetMlp() {
    return load(subsetMlpDir());
  }

  /** A CNN trained on the subset: unpublished (version 0), unsigned, test accuracy > 0.9. */
  public static ModelVersion subsetCnn() {
    return load(subsetCnnDir());
  }

  private static ModelVersion load(Path dir) {
    try {
      return SavedModel.load(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized Path trained(Architecture architecture) {
    int epochs = architecture == Architecture.CNN_V1 ? CNN_SUBSET_EPOCHS : MLP_SUBSET_EPOCHS;
    TrainingSettings settings =
        TrainingSettings.defaults().withArchitecture(architecture).withEpochs(epochs);
    String dataFingerprint;
    try {
      dataFingerprint = DatasetFiles.inDirectory(subsetDir()).fingerprint();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TrainedModelCache(Path.of("target", "test-models").toAbsolutePath())
        .get(
            settings,
            dataFingerprint,
            () -> MnistTrainer.train(settings, subsetData(), ProgressListener.SILENT).version());
  }
}
