package org.mniststream.trainer.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.mniststream.model.Architecture;
import org.mniststream.model.Sha256;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.data.BatchFeeder;
import org.mniststream.trainer.evaluation.ModelEvaluator;
import org.mniststream.trainer.publishing.SavedModel;

/**
 * Trained models saved under a directory, each keyed by what decides its weights: the training
 * settings, the data, and the bytes of the training code's classes. Class bytes rather than a
 * hand-bumped version constant, because nobody has to remember to bump them; the price is a retrain
 * after an edit that only moves lines, which costs time, never a stale model.
 */
final class TrainedModelCache {
  /**
   * One class of each package whose code decides a trained model: training loop, batches and data,
   * evaluation (its metrics are stored with the model), and the model module's networks.
   */
  static final List<Class<?>> TRAINING_CODE =
      List.of(MnistTrainer.class, BatchFeeder.class, ModelEvaluator.class, Architecture.class);

  private final Path root;

  TrainedModelCache(Path root) {
    this.root = root;
  }

  /**
   * The directory of the model for this key, calling {@code train} only when no model is saved
   * there yet.
   */
  Path get(TrainingSettings settings, String dataFingerprint, Supplier<ModelVersion> train) {
    Path dir =
        root.resolve(
            settings.architecture().id()
                + "-e"
                + settings.epochs()
                + "-"
                + key(settings, dataFingerprint, codeFingerprint(TRAINING_CODE)));
    if (SavedModel.exists(dir)) {
      return dir;
    }
    try {
      SavedModel.save(dir, train.get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** 16 hex characters of the SHA-256 over settings, data and code. */
  static String key(TrainingSettings settings, String dataFingerprint, String codeFingerprint) {
    String text = settings + "\n" + dataFingerprint + "\n" + codeFingerprint;
    return Sha256.hex(text.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }

  /** SHA-256 over the names and bytes of every class file in the packages of {@code anchors}. */
  static String codeFingerprint(List<Class<?>> anchors) {
    MessageDigest digest = Sha256.newDigest();
    try {
      for (Class<?> anchor : anchors) {
        Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        String packagePath = anchor.getPackageName().replace('.', '/');
        if (Files.isDirectory(location)) {
          digestClassFiles(digest, location.resolve(packagePath));
        } else {
          try (FileSystem jar = FileSystems.newFileSystem(location)) {
            digestClassFiles(digest, jar.getPath(packagePath));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void digestClassFiles(MessageDigest digest, Path packageDir) throws IOException {
    try (Stream<Path> files = Files.list(packageDir)) {
      List<Path> classes =
          files
              .filter(p -> p.getFileName().toString().endsWith(".class"))
              .sorted(Comparator.comparing(p -> p.getFileName().toString()))
              .toList();
      for (Path file : classes) {
        digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        digest.update(Files.readAllBytes(file));
      }
    }
  }
}
