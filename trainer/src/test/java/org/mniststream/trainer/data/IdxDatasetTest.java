package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mniststream.model.Sha256;

class IdxDatasetTest {
  private static final int IMAGE_SIZE = 28 * 28;

  private final IdxDataset dataset =
      new IdxDataset(IdxReaderTest.pixels(5), IdxReaderTest.labels(5), 5, 28, 28);

  @Test
  void shouldReturnCopyOfOneImageAndItsLabel() {
    byte[] third = dataset.pixelsOf(2);
    third[0]++;

    assertThat(dataset.pixelsOf(2))
        .isEqualTo(Arrays.copyOfRange(dataset.pixels(), 2 * IMAGE_SIZE, 3 * IMAGE_SIZE));
    assertThat(dataset.offsetOf(2)).isEqualTo(2 * IMAGE_SIZE);
    assertThat(dataset.label(2)).isEqualTo(4);
    assertThat(dataset.imageSize()).isEqualTo(IMAGE_SIZE);
  }

  @Test
  void shouldNotCopyArraysOnConstruction() {
    byte[] pixels = IdxReaderTest.pixels(1);
    byte[] labels = {3};

    IdxDataset wrapped = new IdxDataset(pixels, labels, 1, 28, 28);

    assertThat(wrapped.pixels()).isSameAs(pixels);
    assertThat(wrapped.labels()).isSameAs(labels);
  }

  @Test
  void shouldBuildSubsetInGivenOrder() {
    IdxDataset subset = dataset.subset(new int[] {4, 0, 4});

    assertThat(subset.count()).isEqualTo(3);
    assertThat(subset.pixelsOf(0)).isEqualTo(dataset.pixelsOf(4));
    assertThat(subset.pixelsOf(1)).isEqualTo(dataset.pixelsOf(0));
    assertThat(subset.pixelsOf(2)).isEqualTo(dataset.pixelsOf(4));
    assertThat(subset.labels())
        .containsExactly(dataset.labels()[4], dataset.labels()[0], dataset.labels()[4]);
  }

  @Test
  void shouldTakeFirstImagesWithHead() {
    IdxDataset head = dataset.head(2);

    assertThat(head.count()).isEqualTo(2);
    assertThat(head.pixels()).isEqualTo(Arrays.copyOf(dataset.pixels(), 2 * IMAGE_SIZE));
    assertThat(head.labels()).isEqualTo(Arrays.copyOf(dataset.labels(), 2));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 5})
  void shouldRejectIndexOutsideDataset(int index) {
    assertThatThrownBy(() -> dataset.label(index)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> dataset.pixelsOf(index)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> dataset.subset(new int[] {index}))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void shouldRejectArraysThatDoNotMatchDimensions() {
    assertThatThrownBy(() -> new IdxDataset(new byte[IMAGE_SIZE], new byte[2], 2, 28, 28))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pixels");
    assertThatThrownBy(() -> new IdxDataset(new byte[IMAGE_SIZE], new byte[2], 1, 28, 28))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("labels");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shouldRoundTripThroughIdxWriter(boolean gzip, @TempDir Path dir) throws IOException {
    Path images = dir.resolve("images");
    Path labels = dir.resolve("labels");

    IdxWriter.write(dataset, images, labels, gzip);
    IdxDataset back = IdxDataset.load(images, labels);

    assertThat(back.pixels()).isEqualTo(dataset.pixels());
    assertThat(back.labels()).isEqualTo(dataset.labels());
    assertThat(MaybeGzip.sha256Uncompressed(images))
        .isEqualTo(Sha256.hex(IdxReaderTest.imageFile(5)));
  }

  @Test
  void shouldDescribeItselfWithoutDumpingArrays() {
    assertThat(dataset).hasToString("IdxDataset[count=5, rows=28, cols=28]");
  }
}
