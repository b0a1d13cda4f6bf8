package org.mniststream.trainer.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * An image dataset held compactly: all pixels in one {@code byte[]} (image after image, row after
 * row, unsigned 0..255) and one label byte per image.
 *
 * <p>The arrays are NOT copied, neither on construction nor by the accessors, so that a 47 MB
 * training set is never duplicated by accident; callers must not mutate them. As with any record,
 * {@code equals} and {@code hashCode} compare the arrays by identity. {@link #subset} and {@link
 * #pixelsOf} do copy.
 *
 * @param pixels {@code count * rows * cols} unsigned pixel bytes
 * @param labels {@code count} labels
 * @param count number of images
 * @param rows image height
 * @param cols image width
 */
public record IdxDataset(byte[] pixels, byte[] labels, int count, int rows, int cols) {

  /** Checks that the arrays have the sizes the dimensions imply. */
  public IdxDataset {
    Objects.requireNonNull(pixels, "pixels");
    Objects.requireNonNull(labels, "labels");
    if (count < 0 || rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          "invalid dimensions count=" + count + " rows=" + rows + " cols=" + cols);
    }
    if (pixels.length != (long) count * rows * cols) {
      throw new IllegalArgumentException(
          "pixels has " + pixels.length + " bytes, expected " + count + "*" + rows + "*" + cols);
    }
    if (labels.length != count) {
      throw new IllegalArgumentException(
          "labels has " + labels.length + " entries, expected " + count);
    }
  }

  /**
   * Loads an IDX image file and its label file (plain or gzip); see {@link IdxReader#read(Path,
   * Path)} for what is checked.
   */
  public static IdxDataset load(Path images, Path labels) throws IOException {
    return IdxReader.read(images, labels);
  }

  /** Pixels per image ({@code rows * cols}). */
  public int imageSize() {
    return rows * cols;
  }

  /** Index in {@link #pixels()} of the first pixel of image {@code i}. */
  public int offsetOf(int i) {
    Objects.checkIndex(i, count);
    return i * imageSize();
  }

  /** A copy of the pixels of image {@code i}; use {@link #offsetOf} to read without copying. */
  public byte[] pixelsOf(int i) {
    int offset = offsetOf(i);
    return Arrays.copyOfRange(pixels, offset, offset + imageSize());
  }

  /** The label of image {@code i}, as an int in 0..9. */
  public int label(int i) {
    Objects.checkIndex(i, count);
    return labels[i] & 0xff;
  }

  /** A new dataset with copies of the images at {@code indices}, in that order. */
  public IdxDataset subset(int[] indices) {
    int size = imageSize();
    byte[] subPixels = new byte[Math.multiplyExact(indices.length, size)];
    byte[] subLabels = new byte[indices.length];
    for (int j = 0; j < indices.length; j++) {
      int i = indices[j];
      System.arraycopy(pixels, offsetOf(i), subPixels, j * size, size);
      subLabels[j] = labels[i];
    }
    return new IdxDataset(subPixels, subLabels, indices.length, rows, cols);
  }

  /** A new dataset with copies of the first {@code n} images. */
  public IdxDataset head(int n) {
    Objects.checkFromToIndex(0, n, count);
    return new IdxDataset(
        Arrays.copyOf(pixels, n * imageSize()), Arrays.copyOf(labels, n), n, rows, cols);
  }

  /** A new dataset with copies of {@code a}'s images, then {@code b}'s (of the same size). */
  public static IdxDataset concat(IdxDataset a, IdxDataset b) {
    if (a.rows != b.rows || a.cols != b.cols) {
      throw new IllegalArgumentException(
          "cannot join " + a.rows + "x" + a.cols + " and " + b.rows + "x" + b.cols + " images");
    }
    byte[] pixels = Arrays.copyOf(a.pixels, Math.addExact(a.pixels.length, b.pixels.length));
    System.arraycopy(b.pixels, 0, pixels, a.pixels.length, b.pixels.length);
    byte[] labels = Arrays.copyOf(a.labels, a.count + b.count);
    System.arraycopy(b.labels, 0, labels, a.count, b.count);
    return new IdxDataset(pixels, labels, a.count + b.count, a.rows, a.cols);
  }

  @Override
  public String toString() {
    return "IdxDataset[count=" + count + ", rows=" + rows + ", cols=" + cols + "]";
  }
}
