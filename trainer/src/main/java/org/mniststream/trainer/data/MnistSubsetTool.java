package org.mniststream.trainer.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regenerates the small genuine MNIST subset committed under {@code
 * trainer/src/test/resources/mnist-subset/} (so tests never need the network): the first N training
 * and first M test images with their labels, as gzip-compressed IDX files, plus a {@code README.md}
 * with attribution and checksums.
 *
 * <p>Usage: {@code java -cp <classes> org.mniststream.trainer.data.MnistSubsetTool <mnist-dir>
 * <output-dir> [train-count=3000] [test-count=1000]}, where {@code mnist-dir} holds the four
 * original files (plain or .gz); they are checked against the published SHA-256 first.
 */
public final class MnistSubsetTool {
  public static final int DEFAULT_TRAIN_COUNT = 3000;
  public static final int DEFAULT_TEST_COUNT = 1000;

  private MnistSubsetTool() {}

  public static void main(String[] args) {
    if (args.length < 2 || args.length > 4) {
      System.err.println(
          "usage: MnistSubsetTool <mnist-dir> <output-dir> [train-count=3000] [test-count=1000]");
      System.exit(2);
    }
    try {
      int trainCount = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_TRAIN_COUNT;
      int testCount = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_TEST_COUNT;
      Map<String, String> sums =
          generate(
              Path.of(args[0]), Path.of(args[1]), trainCount, testCount, MnistFiles.MNIST_SHA256);
      sums.forEach((name, sum) -> System.out.println(sum + "  " + name + " (uncompressed)"));
    } catch (IOException | RuntimeException e) {
      System.err.println("error: " + MnistFiles.reason(e));
      System.exit(1);
    }
  }

  /**
   * Writes the subset and its README into {@code outputDir} and returns the SHA-256 of each written
   * file UNCOMPRESSED, keyed by the file name without {@code .gz}.
   *
   * @param sourceSha256 the checksums the source files must have (the real MNIST ones in {@link
   *     #main}); a mismatch fails before anything is written
   */
  public static Map<String, String> generate(
      Path sourceDir,
      Path outputDir,
      int trainCount,
      int testCount,
      Map<String, String> sourceSha256)
      throws IOException {
    Map<String, Path> sources = new LinkedHashMap<>();
    for (String name : MnistFiles.NAMES) {
      Path path = MnistFiles.locate(sourceDir, name);
      if (path == null) {
        throw new IOException(sourceDir + ": missing " + name + "[.gz]");
      }
      String actual = MaybeGzip.sha256Uncompressed(path);
      if (!actual.equalsIgnoreCase(sourceSha256.get(name))) {
        throw new IOException(
            path + ": " + MnistFiles.mismatch(name, sourceSha256.get(name), actual));
      }
      sources.put(name, path);
    }
    IdxDataset train =
        IdxDataset.load(sources.get(MnistFiles.TRAIN_IMAGES), sources.get(MnistFiles.TRAIN_LABELS))
            .head(trainCount);
    IdxDataset test =
        IdxDataset.load(sources.get(MnistFiles.TEST_IMAGES), sources.get(MnistFiles.TEST_LABELS))
            .head(testCount);

    Files.createDirectories(outputDir);
    writeAndCheck(train, outputDir, MnistFiles.TRAIN_IMAGES, MnistFiles.TRAIN_LABELS);
    writeAndCheck(test, outputDir, MnistFiles.TEST_IMAGES, MnistFiles.TEST_LABELS);

    Map<String, String> sums = new LinkedHashMap<>();
    for (String name : MnistFiles.NAMES) {
      sums.put(name, MaybeGzip.sha256Uncompressed(outputDir.resolve(name + ".gz")));
    }
    Files.writeString(
        outputDir.resolve("README.md"), readme(train, test, sums), StandardCharsets.UTF_8);
    return sums;
  }

  /** Writes one part and reads it back, so a broken writer can never be committed. */
  private static void writeAndCheck(IdxDataset part, Path dir, String images, String labels)
      throws IOException {
    Path imagesFile = dir.resolve(images + ".gz");
    Path labelsFile = dir.resolve(labels + ".gz");
    IdxWriter.write(part, imagesFile, labelsFile, true);
    IdxDataset back = IdxDataset.load(imagesFile, labelsFile);
    if (!Arrays.equals(back.pixels(), part.pixels())
        || !Arrays.equals(back.labels(), part.labels())) {
      throw new IOException("read-back of " + imagesFile + " differs from what was written");
    }
  }

  private static String readme(IdxDataset train, IdxDataset test, Map<String, String> sums) {
    StringBuilder text = new StringBuilder();
    text.append("# MNIST subset (test fixture)\n\n")
        .append("A small, genuine slice of the MNIST database of handwritten digits, committed so")
        .append(" that tests never need the network.\n\n")
        .append("- **Source:** the MNIST database by Yann LeCun, Corinna Cortes and")
        .append(" Christopher J.C. Burges, <http://yann.lecun.com/exdb/mnist/>.\n")
        .append("- **License:** Creative Commons Attribution-Share Alike 3.0 (CC BY-SA 3.0), as")
        .append(" commonly stated for MNIST; this slice is redistributed under the same terms.\n")
        .append("- **Slice:** the first ")
        .append(train.count())
        .append(" images and labels of the training set (`train-*`) and the first ")
        .append(test.count())
        .append(" of the test set (`t10k-*`), in their original order and unmodified.\n")
        .append("- **Format:** IDX (images: magic 2051, unsigned bytes, 28x28; labels: magic 2049,")
        .append(" 0..9), gzip-compressed.\n")
        .append("- **How it was made:** `org.mniststream.trainer.data.MnistSubsetTool` read the")
        .append(" four original files (after checking their published SHA-256), kept the first")
        .append(" images of each set, wrote them with `IdxWriter` and read them back with")
        .append(" `IdxReader`. To regenerate:\n\n")
        .append("  ```sh\n")
        .append("  mvn -B -pl trainer -am package -DskipTests\n")
        .append("  java -cp 'trainer/target/trainer-0.1.0.jar:trainer/target/lib/*' \\\n")
        .append("      org.mniststream.trainer.data.MnistSubsetTool \\\n")
        .append("      <dir with the four MNIST files> trainer/src/test/resources/mnist-subset\n")
        .append("  ```\n\n")
        .append("## SHA-256 of each file uncompressed\n\n")
        .append("The `.gz` bytes may differ between zlib versions; the uncompressed content")
        .append(" does not.\n\n")
        .append("| file | images | SHA-256 (uncompressed) |\n")
        .append("|---|---|---|\n");
    for (Map.Entry<String, String> entry : sums.entrySet()) {
      int count = entry.getKey().startsWith("train") ? train.count() : test.count();
      text.append("| `")
          .append(entry.getKey())
          .append(".gz` | ")
          .append(count)
          .append(" | `")
          .append(entry.getValue())
          .append("` |\n");
    }
    text.append("\n## Images per label\n\n")
        .append("| label | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|\n")
        .append(labelRow("train", train))
        .append(labelRow("t10k", test));
    return text.toString();
  }

  private static String labelRow(String name, IdxDataset data) {
    int[] counts = new int[IdxReader.CLASSES];
    for (int i = 0; i < data.count(); i++) {
      counts[data.label(i)]++;
    }
    StringBuilder row = new StringBuilder("| ").append(name).append(" |");
    for (int count : counts) {
      row.append(' ').append(count).append(" |");
    }
    return row.append('\n').toString();
  }
}
