package org.mniststream.trainer.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST file format) straight from disk, plain or gzip-compressed (decided by
 * the gzip magic 0x1f8b, not by the file name).
 *
 * <p>Only what the product's models accept is read: unsigned-byte images of 28x28 (magic 2051,
 * three dimensions) and unsigned-byte labels 0..9 (magic 2049, one dimension). Any IDX dataset of
 * that shape works, not only MNIST. Pixels land in one compact {@code byte[]} of {@code
 * count*28*28} bytes, without per-image objects or a float copy. Every malformed input fails with
 * an {@link IdxFormatException} naming the file; nothing is ever returned half-loaded.
 */
public final class IdxReader {
  /** Magic number of an unsigned-byte IDX file with three dimensions (images). */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** Magic number of an unsigned-byte IDX file with one dimension (labels). */
  public static final int LABELS_MAGIC = 0x00000801;

  /** Image height the product's models take. */
  public static final int ROWS = 28;

  /** Image width the product's models take. */
  public static final int COLS = 28;

  /** Number of classes; labels must lie in {@code 0..CLASSES-1}. */
  public static final int CLASSES = 10;

  private static final int UNSIGNED_BYTE_TYPE = 0x08;

  // A bogus header must not make us allocate gigabytes before we find out the file is short, so
  // large payloads grow in steps; MNIST's 47 MB still fits in the first allocation.
  private static final int FIRST_ALLOCATION = 1 << 26;

  private IdxReader() {}

  /**
   * Reads an image file and its label file into one dataset. Both headers are checked (including
   * that the counts agree) before any payload is read.
   */
  public static IdxDataset read(Path images, Path labels) throws IOException {
    try (IdxFile imageFile = IdxFile.open(images, IMAGES_MAGIC, "image");
        IdxFile labelFile = IdxFile.open(labels, LABELS_MAGIC, "label")) {
      int count = imageFile.checkImageShape();
      int labelCount = labelFile.dims[0];
      if (labelCount != count) {
        throw new IdxFormatException(
            "label count does not match image count: "
                + labels
                + " declares "
                + labelCount
                + " labels but "
                + images
                + " declares "
                + count
                + " images");
      }
      byte[] pixels = imageFile.readPayload((long) count * ROWS * COLS, "pixel");
      byte[] labelBytes = labelFile.readPayload(count, "label");
      checkLabels(labelBytes, labels);
      return new IdxDataset(pixels, labelBytes, count, ROWS, COLS);
    }
  }

  /**
   * Reads an image file alone. The result holds {@code count*28*28} pixels, image after image, row
   * after row; {@code count} is {@code result.length / (28*28)}.
   */
  public static byte[] readImages(Path images) throws IOException {
    try (IdxFile file = IdxFile.open(images, IMAGES_MAGIC, "image")) {
      int count = file.checkImageShape();
      return file.readPayload((long) count * ROWS * COLS, "pixel");
    }
  }

  /** Reads a label file alone; every label is checked to lie in 0..9. */
  public static byte[] readLabels(Path labels) throws IOException {
    try (IdxFile file = IdxFile.open(labels, LABELS_MAGIC, "label")) {
      byte[] result = file.readPayload(file.dims[0], "label");
      checkLabels(result, labels);
      return result;
    }
  }

  private static void checkLabels(byte[] labels, Path file) throws IdxFormatException {
    for (int i = 0; i < labels.length; i++) {
      int label = labels[i] & 0xff;
      if (label >= CLASSES) {
        throw new IdxFormatException(
            file + ": label " + label + " at index " + i + " is outside 0.." + (CLASSES - 1));
      }
    }
  }

  /** One open IDX file whose header has been read and checked. */
  private static final class IdxFile implements AutoCloseable {
    private final Path path;
    private final String kind;
    private final DataInputStream in;
    private final int[] dims;

    private IdxFile(Path path, String kind, DataInputStream in, int[] dims) {
      this.path = path;
      this.kind = kind;
      this.in = in;
      this.dims = dims;
    }

    static IdxFile open(Path path, int expectedMagic, String kind) throws IOException {
      // MaybeGzip.open already buffers, both for plain and for gzip input.
      DataInputStream in = new DataInputStream(MaybeGzip.open(path));
      try {
        int[] dims = readHeader(in, path, expectedMagic, kind);
        return new IdxFile(path, kind, in, dims);
      } catch (IOException | RuntimeException e) {
        try {
          in.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw translate(e, path);
      }
    }

    private static int[] readHeader(DataInputStream in, Path path, int expectedMagic, String kind)
        throws IOException {
      int magic = in.readInt();
      if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != UNSIGNED_BYTE_TYPE) {
        throw new IdxFormatException(
            String.format(
                "%s: bad magic 0x%08x, expected %d (0x%08x) for an unsigned-byte IDX %s file",
                path, magic, expectedMagic, expectedMagic, kind));
      }
      int dimCount = magic & 0xff;
      int expectedDims = expectedMagic & 0xff;
      if (dimCount != expectedDims) {
        String hint =
            magic == (expectedMagic == IMAGES_MAGIC ? LABELS_MAGIC : IMAGES_MAGIC)
                ? " (it looks like an IDX " + (kind.equals("image") ? "label" : "image") + " file)"
                : "";
        throw new IdxFormatException(
            String.format(
                "%s: wrong dimension count %d in magic %d, expected %d for an IDX %s file%s",
                path, dimCount, magic, expectedDims, kind, hint));
      }
      int[] dims = new int[dimCount];
      for (int i = 0; i < dimCount; i++) {
        dims[i] = in.readInt();
        if (dims[i] < 0) {
          throw new IdxFormatException(
              path + ": dimension " + i + " is out of range: " + Integer.toUnsignedString(dims[i]));
        }
      }
      return dims;
    }

    /** Checks the image header's shape against 28x28 and returns the image count. */
    int checkImageShape() throws IdxFormatException {
      int count = dims[0];
      if (dims[1] != ROWS || dims[2] != COLS) {
        throw new IdxFormatException(
            String.format(
                "%s: images are %dx%d but the product's models take %dx%d grayscale images",
                path, dims[1], dims[2], ROWS, COLS));
      }
      return count;
    }

    /** Reads exactly {@code declared} payload bytes and checks that nothing follows them. */
    byte[] readPayload(long declared, String unit) throws IOException {
      if (declared > Integer.MAX_VALUE - 8) {
        throw new IdxFormatException(
            path + ": header declares " + declared + " " + unit + " bytes, more than one array");
      }
      try {
        byte[] buffer = new byte[(int) Math.min(declared, FIRST_ALLOCATION)];
        int filled = 0;
        while (true) {
          filled += in.readNBytes(buffer, filled, buffer.length - filled);
          if (filled < buffer.length) {
            throw new IdxFormatException(
                String.format(
                    "%s: truncated: the header declares %d %s bytes but the file ends after %d",
                    path, declared, unit, filled));
          }
          if (filled == declared) {
            break;
          }
          buffer = Arrays.copyOf(buffer, (int) Math.min(declared, 2L * buffer.length));
        }
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
          throw new IdxFormatException(
              String.format(
                  "%s: %d trailing byte(s) after the %d %s bytes the header declares",
                  path, extra, declared, unit));
        }
        return buffer;
      } catch (IOException | RuntimeException e) {
        throw translate(e, path);
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }

    @Override
    public String toString() {
      return kind + " file " + path;
    }

    /** Turns low-level stream failures into format errors that name the file. */
    private static IOException translate(Exception e, Path path) {
      if (e instanceof IdxFormatException) {
        return (IdxFormatException) e;
      }
      if (e instanceof EOFException) {
        // A short header, or a gzip stream that ends before its trailer.
        String detail = e.getMessage() == null ? "unexpected end of file" : e.getMessage();
        return new IdxFormatException(path + ": truncated (" + detail + ")", e);
      }
      if (e instanceof ZipException) {
        return new IdxFormatException(path + ": corrupt gzip data (" + e.getMessage() + ")", e);
      }
      if (e instanceof IOException) {
        return (IOException) e;
      }
      throw (RuntimeException) e;
    }
  }
}
