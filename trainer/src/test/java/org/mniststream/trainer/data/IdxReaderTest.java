package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  private static final int IMAGE_SIZE = 28 * 28;

  @TempDir Path dir;

  @Test
  void shouldReadPlainImageAndLabelFiles() throws IOException {
    Path images = write("images", imageFile(3));
    Path labels = write("labels", labelFile(labels(3)));

    IdxDataset dataset = IdxReader.read(images, labels);

    assertThat(dataset.count()).isEqualTo(3);
    assertThat(dataset.rows()).isEqualTo(28);
    assertThat(dataset.cols()).isEqualTo(28);
    assertThat(dataset.pixels()).isEqualTo(pixels(3));
    assertThat(dataset.labels()).isEqualTo(labels(3));
  }

  @Test
  void shouldDetectGzipByMagicNotByFileName() throws IOException {
    Path gzipWithoutSuffix = write("images.idx", TestTar.gzip(imageFile(4)));
    Path plainWithGzSuffix = write("labels.gz", labelFile(labels(4)));

    IdxDataset dataset = IdxDataset.load(gzipWithoutSuffix, plainWithGzSuffix);

    assertThat(dataset.pixels()).isEqualTo(pixels(4));
    assertThat(dataset.labels()).isEqualTo(labels(4));
  }

  @Test
  void shouldReadImageAndLabelFilesSeparately() throws IOException {
    assertThat(IdxReader.readImages(write("i.gz", TestTar.gzip(imageFile(2)))))
        .isEqualTo(pixels(2));
    assertThat(IdxReader.readLabels(write("l", labelFile(labels(7))))).isEqualTo(labels(7));
  }

  @Test
  void shouldReadEmptyDataset() throws IOException {
    IdxDataset dataset = IdxReader.read(write("i", imageFile(0)), write("l", labelFile(labels(0))));

    assertThat(dataset.count()).isZero();
    assertThat(dataset.pixels()).isEmpty();
  }

  @Test
  void shouldRejectBadMagic() throws IOException {
    Path images = write("images", concat(header(0x12345678, 1, 28, 28), pixels(1)));

    assertThatThrownBy(() -> IdxReader.readImages(images))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining(images.toString())
        .hasMessageContaining("bad magic 0x12345678");
  }

  @Test
  void shouldRejectNonUnsignedByteType() throws IOException {
    Path images = write("images", concat(header(0x00000d03, 1, 28, 28), pixels(1)));

    assertThatThrownBy(() -> IdxReader.readImages(images))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("bad magic");
  }

  @Test
  void shouldRejectWrongDimensionCount() throws IOException {
    Path images = write("images", concat(header(0x00000802, 2, IMAGE_SIZE), pixels(2)));

    assertThatThrownBy(() -> IdxReader.readImages(images))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("wrong dimension count 2")
        .hasMessageContaining("expected 3");
  }

  @Test
  void shouldRejectLabelFileGivenAsImageFile() throws IOException {
    Path labels = write("labels", labelFile(labels(5)));

    assertThatThrownBy(() -> IdxReader.read(labels, labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("wrong dimension count 1")
        .hasMessageContaining("looks like an IDX label file");
  }

  @Test
  void shouldRejectTruncatedImageFile() throws IOException {
    byte[] complete = imageFile(3);
    Path images = write("images", Arrays.copyOf(complete, complete.length - 10));
    Path labels = write("labels", labelFile(labels(3)));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining(images.toString())
        .hasMessageContaining("truncated")
        .hasMessageContaining("declares " + 3 * IMAGE_SIZE + " pixel bytes")
        .hasMessageContaining("ends after " + (3 * IMAGE_SIZE - 10));
  }

  @Test
  void shouldRejectTruncatedGzipImageFile() throws IOException {
    byte[] gzip = TestTar.gzip(imageFile(3));
    Path images = write("images.gz", Arrays.copyOf(gzip, gzip.length - 20));

    assertThatThrownBy(() -> IdxReader.readImages(images))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldRejectTruncatedHeader() throws IOException {
    Path labels = write("labels", Arrays.copyOf(labelFile(labels(3)), 6));

    assertThatThrownBy(() -> IdxReader.readLabels(labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldRejectTrailingBytesInImageFile() throws IOException {
    Path images = write("images", concat(imageFile(2), new byte[] {1, 2, 3}));

    assertThatThrownBy(() -> IdxReader.readImages(images))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("3 trailing byte(s)");
  }

  @Test
  void shouldRejectTrailingBytesInGzipLabelFile() throws IOException {
    Path labels = write("labels", TestTar.gzip(concat(labelFile(labels(2)), new byte[] {0})));

    assertThatThrownBy(() -> IdxReader.readLabels(labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("1 trailing byte(s)");
  }

  @Test
  void shouldRejectLabelCountDifferentFromImageCount() throws IOException {
    Path images = write("images", imageFile(3));
    Path labels = write("labels", labelFile(labels(4)));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("declares 4 labels")
        .hasMessageContaining("declares 3 images");
  }

  @Test
  void shouldRejectLabelOutsideZeroToNine() throws IOException {
    Path images = write("images", imageFile(3));
    Path labels = write("labels", labelFile(new byte[] {0, 9, 10}));

    assertThatThrownBy(() -> IdxReader.read(images, labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("label 10 at index 2 is outside 0..9");
  }

  @Test
  void shouldRejectLabelAbove127AsUnsigned() throws IOException {
    Path labels = write("labels", labelFile(new byte[] {(byte) 255}));

    assertThatThrownBy(() -> IdxReader.readLabels(labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("label 255 at index 0");
  }

  @Test
  void shouldRejectImagesThatAreNot28x28() throws IOException {
    Path images =
        write("images", concat(header(IdxReader.IMAGES_MAGIC, 1, 32, 32), new byte[1024]));

    assertThatThrownBy(() -> IdxReader.readImages(images))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("images are 32x32")
        .hasMessageContaining("28x28");
  }

  @Test
  void shouldRejectCorruptGzipData() throws IOException {
    byte[] gzip = TestTar.gzip(imageFile(2));
    for (int i = 20; i < 60; i++) {
      gzip[i] ^= (byte) 0x5a;
    }
    Path images = write("images", gzip);

    assertThatThrownBy(() -> IdxReader.readImages(images)).isInstanceOf(IdxFormatException.class);
  }

  @Test
  void shouldRejectHeaderDeclaringTooManyImagesWithoutAllocatingThem() throws IOException {
    Path images = write("images", header(IdxReader.IMAGES_MAGIC, 2_000_000, 28, 28));

    assertThatThrownBy(() -> IdxReader.readImages(images))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldRejectHeaderDeclaringMoreThanOneArray() throws IOException {
    Path images = write("images", header(IdxReader.IMAGES_MAGIC, Integer.MAX_VALUE, 28, 28));

    assertThatThrownBy(() -> IdxReader.readImages(images))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("more than one array");
  }

  @Test
  void shouldRejectDimensionBeyondSignedInt() throws IOException {
    Path labels = write("labels", header(IdxReader.LABELS_MAGIC, -1));

    assertThatThrownBy(() -> IdxReader.readLabels(labels))
        .isInstanceOf(IdxFormatException.class)
        .hasMessageContaining("dimension 0 is out of range: 4294967295");
  }

  static byte[] pixels(int count) {
    byte[] pixels = new byte[count * IMAGE_SIZE];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 31 + i / IMAGE_SIZE);
    }
    return pixels;
  }

  static byte[] labels(int count) {
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) ((i * 7) % 10);
    }
    return labels;
  }

  static byte[] imageFile(int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      IdxWriter.writeImages(out, pixels(count), count, 28, 28);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] labelFile(byte[] labels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      IdxWriter.writeLabels(out, labels);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] header(int magic, int... dims) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      for (int dim : dims) {
        out.writeInt(dim);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] concat(byte[] first, byte[] second) {
    byte[] result = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, result, first.length, second.length);
    return result;
  }

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(dir.resolve(name), content);
  }
}
