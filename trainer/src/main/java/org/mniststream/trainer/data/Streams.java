package org.mniststream.trainer.data;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Stream helpers shared by the package: gzip detection by magic bytes, and cleanup. */
final class Streams {
  static final int BUFFER_SIZE = 1 << 16;

  private Streams() {}

  /** Opens a file that may be gzip-compressed; the gzip magic 0x1f8b decides, not the name. */
  static InputStream openMaybeGzip(Path file) throws IOException {
    return maybeGunzip(Files.newInputStream(file));
  }

  /**
   * Wraps {@code raw} so that it yields uncompressed bytes whether or not it is gzip-compressed.
   * Closes {@code raw} if the wrapping fails.
   */
  static InputStream maybeGunzip(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, BUFFER_SIZE);
    try {
      in.mark(2);
      int first = in.read();
      int second = in.read();
      in.reset();
      if (first == 0x1f && second == 0x8b) {
        return new BufferedInputStream(new GZIPInputStream(in, BUFFER_SIZE), BUFFER_SIZE);
      }
      return in;
    } catch (IOException | RuntimeException e) {
      try {
        in.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Shields a caller-owned stream (say, a tar entry) from being closed, so that a decompressor on
   * top of it can be closed to free its native memory.
   */
  static InputStream nonClosing(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }

  /** Deletes a directory tree, best effort; used for temporary staging directories only. */
  static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // Leftover temporary files are harmless; failing the caller over them would not be.
      System.getLogger(Streams.class.getName())
          .log(System.Logger.Level.DEBUG, "could not delete " + root + ": " + e.getMessage());
    }
  }

  /** Shields a caller-owned stream from being closed by wrapping decompressors. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
