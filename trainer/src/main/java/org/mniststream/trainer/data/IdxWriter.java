package org.mniststream.trainer.data;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX files that {@link IdxReader} reads back: unsigned-byte images (magic 2051) and labels
 * (magic 2049), big-endian, optionally gzip-compressed. Used to produce the committed test subset
 * and test fixtures.
 */
public final class IdxWriter {
  private IdxWriter() {}

  /** Writes an image file header and the pixels; does not close {@code out}. */
  public static void writeImages(OutputStream out, byte[] pixels, int count, int rows, int cols)
      throws IOException {
    if (pixels.length != (long) count * rows * cols) {
      throw new IllegalArgumentException(
          "pixels has " + pixels.length + " bytes, expected " + count + "*" + rows + "*" + cols);
    }
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(IdxReader.IMAGES_MAGIC);
    data.writeInt(count);
    data.writeInt(rows);
    data.writeInt(cols);
    data.write(pixels);
    data.flush();
  }

  /** Writes a label file header and the labels; does not close {@code out}. */
  public static void writeLabels(OutputStream out, byte[] labels) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(IdxReader.LABELS_MAGIC);
    data.writeInt(labels.length);
    data.write(labels);
    data.flush();
  }

  /** Writes a dataset as an image file and a label file, gzip-compressed when asked. */
  public static void write(IdxDataset dataset, Path images, Path labels, boolean gzip)
      throws IOException {
    try (OutputStream out = open(images, gzip)) {
      writeImages(out, dataset.pixels(), dataset.count(), dataset.rows(), dataset.cols());
    }
    try (OutputStream out = open(labels, gzip)) {
      writeLabels(out, dataset.labels());
    }
  }

  private static OutputStream open(Path file, boolean gzip) throws IOException {
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), MaybeGzip.BUFFER_SIZE);
    // GZIPOutputStream writes a zero modification time, so the same input gives the same bytes.
    return gzip ? new GZIPOutputStream(out, MaybeGzip.BUFFER_SIZE) : out;
  }
}
