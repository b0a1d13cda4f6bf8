package org.mniststream.trainer.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.IOUtils;
import org.mniststream.model.Sha256;

/**
 * Reads files that may or may not be gzip-compressed: MNIST is published as {@code .gz} but mirrors
 * and local copies also hold it plain, and the gzip magic decides, not the name.
 */
public final class MaybeGzip {
  static final int BUFFER_SIZE = 1 << 16;

  private MaybeGzip() {}

  /** Opens {@code file} so that it yields uncompressed bytes. */
  public static InputStream open(Path file) throws IOException {
    return decompress(Files.newInputStream(file));
  }

  /**
   * Wraps {@code raw} so that it yields uncompressed bytes whether or not it is gzip-compressed.
   * Closes {@code raw} if the wrapping fails.
   */
  public static InputStream decompress(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, BUFFER_SIZE);
    try {
      in.mark(2);
      byte[] signature = in.readNBytes(2);
      in.reset();
      if (GzipCompressorInputStream.matches(signature, signature.length)) {
        // The JDK's reader rather than commons-compress's: its ZipException (corrupt) and
        // EOFException (truncated) let IdxReader tell the two apart.
        return new BufferedInputStream(new GZIPInputStream(in, BUFFER_SIZE), BUFFER_SIZE);
      }
      return in;
    } catch (IOException | RuntimeException e) {
      IOUtils.closeQuietly(in, e::addSuppressed);
      throw e;
    }
  }

  /**
   * SHA-256 of the content of {@code file} after gunzip when it is gzip-compressed; this is the
   * form in which MNIST checksums are published.
   */
  public static String sha256Uncompressed(Path file) throws IOException {
    try (InputStream in = open(file)) {
      return Sha256.hex(in);
    }
  }
}
