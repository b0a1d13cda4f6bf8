package org.mniststream.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one SHA-256 helper of the project: digests and lower-case hex, streamed so that large files
 * are never held in memory.
 */
public final class Sha256 {
  private static final int BUFFER_SIZE = 1 << 16;

  private Sha256() {}

  /** A fresh SHA-256 digest, for callers that hash while copying. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** SHA-256 of {@code data}. */
  public static byte[] digest(byte[] data) {
    return newDigest().digest(data);
  }

  /** SHA-256 of {@code data} as lower-case hex. */
  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(digest(data));
  }

  /** SHA-256 of everything left in {@code in} as lower-case hex; does not close it. */
  public static String hex(InputStream in) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[BUFFER_SIZE];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      digest.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** SHA-256 of the bytes of {@code file} as stored, as lower-case hex. */
  public static String hex(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return hex(in);
    }
  }
}
