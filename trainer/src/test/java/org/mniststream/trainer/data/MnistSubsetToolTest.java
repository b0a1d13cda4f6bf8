package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistSubsetToolTest {

  @TempDir Path tmp;

  @Test
  void shouldWriteFirstImagesOfEachSetWithReadme() throws IOException {
    Path source = MnistSubset.copyTo(tmp.resolve("source"));
    Path out = tmp.resolve("out");

    Map<String, String> sums = MnistSubsetTool.generate(source, out, 100, 40, MnistSubset.SHA256);

    IdxDataset train =
        IdxDataset.load(
            out.resolve(MnistFiles.TRAIN_IMAGES + ".gz"),
            out.resolve(MnistFiles.TRAIN_LABELS + ".gz"));
    IdxDataset test =
        IdxDataset.load(
            out.resolve(MnistFiles.TEST_IMAGES + ".gz"),
            out.resolve(MnistFiles.TEST_LABELS + ".gz"));
    IdxDataset fullTrain = MnistSubset.train();
    assertThat(train.pixels()).isEqualTo(fullTrain.head(100).pixels());
    assertThat(train.labels()).isEqualTo(fullTrain.head(100).labels());
    assertThat(test.labels()).isEqualTo(MnistSubset.test().head(40).labels());
    assertThat(sums).containsOnlyKeys(MnistFiles.NAMES);
    assertThat(sums.get(MnistFiles.TRAIN_IMAGES))
        .isEqualTo(MaybeGzip.sha256Uncompressed(out.resolve(MnistFiles.TRAIN_IMAGES + ".gz")));
    String readme = Files.readString(out.resolve("README.md"));
    assertThat(readme).contains(sums.values()).contains("first 100", "first 40", "CC BY-SA 3.0");
  }

  @Test
  void shouldRegenerateTheCommittedSubsetExactly() throws IOException {
    Path source = MnistSubset.copyTo(tmp.resolve("source"));

    Map<String, String> sums =
        MnistSubsetTool.generate(
            source,
            tmp.resolve("out"),
            MnistSubset.TRAIN_COUNT,
            MnistSubset.TEST_COUNT,
            MnistSubset.SHA256);

    assertThat(sums).isEqualTo(MnistSubset.SHA256);
  }

  @Test
  void shouldRefuseSourceThatIsNotGenuineMnist() throws IOException {
    Path source = MnistSubset.copyTo(tmp.resolve("source"));
    Path out = tmp.resolve("out");

    assertThatThrownBy(() -> MnistSubsetTool.generate(source, out, 10, 10, MnistFiles.MNIST_SHA256))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("SHA-256 mismatch");
    assertThat(out).doesNotExist();
  }
}
