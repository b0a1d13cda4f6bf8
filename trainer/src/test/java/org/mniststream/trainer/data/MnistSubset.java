package org.mniststream.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.io.FileUtils;

/**
 * The genuine MNIST subset committed under {@code src/test/resources/mnist-subset/} (first 3000
 * training and first 1000 test images, gzip IDX; see its README). Works from the test classpath
 * whether that is a directory or the trainer's test-jar, so other modules' tests can use it too.
 */
public final class MnistSubset {
  public static final String RESOURCE_DIR = "/mnist-subset/";
  public static final int TRAIN_COUNT = 3000;
  public static final int TEST_COUNT = 1000;

  /** SHA-256 of each subset file UNCOMPRESSED; usable as {@code expectedSha256} of acquisition. */
  public static final Map<String, String> SHA256 =
      Map.of(
          MnistFiles.TRAIN_IMAGES,
          "fc10080e92e48998cf561522ec74cfcd9fdc1d3eb6d815e4b8d6392c71460463",
          MnistFiles.TRAIN_LABELS,
          "fb68983ef4dddd9fd08a65eeffd7110e567eb77e5ef20f1b57f69a7269e7d425",
          MnistFiles.TEST_IMAGES,
          "de7c252b04f05e1f8309634180ccdf286dc6dbac8c579b74e76e02ae0331ca52",
          MnistFiles.TEST_LABELS,
          "832c0d20f0dc42e575488c75a83a970787d4c8d4d05831b2ef03701b4a478a90");

  private MnistSubset() {}

  /** Copies the four {@code <name>.gz} files into {@code dir} (created if needed). */
  public static Path copyTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String name : MnistFiles.NAMES) {
      String resource = RESOURCE_DIR + name + ".gz";
      try (InputStream in = MnistSubset.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("test resource " + resource + " is not on the classpath");
        }
        Files.copy(in, dir.resolve(name + ".gz"));
      }
    }
    return dir;
  }

  /** The 3000 training images and labels. */
  public static IdxDataset train() {
    return load(MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS);
  }

  /** The 1000 test images and labels. */
  public static IdxDataset test() {
    return load(MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS);
  }

  private static IdxDataset load(String images, String labels) {
    Path dir = null;
    try {
      dir = copyTo(Files.createTempDirectory("mnist-subset-"));
      return IdxDataset.load(dir.resolve(images + ".gz"), dir.resolve(labels + ".gz"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        FileUtils.deleteQuietly(dir.toFile());
      }
    }
  }
}
