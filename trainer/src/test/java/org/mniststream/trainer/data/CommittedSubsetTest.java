package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guards the committed MNIST subset: genuine, intact, and documented. */
class CommittedSubsetTest {

  @Test
  void shouldMatchTheChecksumsDocumentedInTheReadme(@TempDir Path dir) throws IOException {
    MnistSubset.copyTo(dir);
    String readme;
    try (InputStream in =
        MnistSubset.class.getResourceAsStream(MnistSubset.RESOURCE_DIR + "README.md")) {
      readme = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    for (String name : MnistFiles.NAMES) {
      Path file = dir.resolve(name + ".gz");
      assertThat(Files.readAllBytes(file)).startsWith((byte) 0x1f, (byte) 0x8b);
      assertThat(MaybeGzip.sha256Uncompressed(file)).isEqualTo(MnistSubset.SHA256.get(name));
      assertThat(readme).contains(MnistSubset.SHA256.get(name));
    }
    assertThat(readme).contains("Yann LeCun", "Corinna Cortes", "Burges", "CC BY-SA 3.0");
  }

  @Test
  void shouldLoadTheFirst3000TrainingAndFirst1000TestImages() {
    IdxDataset train = MnistSubset.train();
    IdxDataset test = MnistSubset.test();

    assertThat(train.count()).isEqualTo(MnistSubset.TRAIN_COUNT);
    assertThat(test.count()).isEqualTo(MnistSubset.TEST_COUNT);
    assertThat(train.rows()).isEqualTo(28);
    assertThat(train.cols()).isEqualTo(28);
    // The well-known first digits of MNIST: the training set opens 5 0 4 1 9, the test set 7 2 1.
    assertThat(IntStream.range(0, 5).map(train::label)).containsExactly(5, 0, 4, 1, 9);
    assertThat(IntStream.range(0, 3).map(test::label)).containsExactly(7, 2, 1);
    assertThat(IntStream.range(0, train.count()).map(train::label).distinct()).hasSize(10);
    assertThat(IntStream.range(0, test.count()).map(test::label).distinct()).hasSize(10);
  }
}
