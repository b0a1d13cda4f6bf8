package org.mniststream.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lower-case hex, computed by streaming so large files are never held in memory. */
public final class Sha256 {
  private Sha256() {}

  /** SHA-256 of the bytes of {@code file} as stored (no decompression). */
  public static String hex(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return hex(in);
    }
  }

  /**
   * SHA-256 of the content of {@code file} after gunzip when it is gzip-compressed (decided by the
   * gzip magic); this is the form in which MNIST checksums are published.
   */
  public static String hexUncompressed(Path file) throws IOException {
    try (InputStream in = Streams.openMaybeGzip(file)) {
      return hex(in);
    }
  }

  /** SHA-256 of everything left in {@code in}; does not close it. */
  public static String hex(InputStream in) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[Streams.BUFFER_SIZE];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** SHA-256 of {@code data}. */
  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(newDigest().digest(data));
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform is required to provide SHA-256.
      throw new IllegalStateException(e);
    }
  }
}
