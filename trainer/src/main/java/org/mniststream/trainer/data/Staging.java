package org.mniststream.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.mniststream.model.Sha256;

/**
 * A staging directory that accepts MNIST files one by one, uncompresses them, and checks each
 * SHA-256 while writing, so that a corrupt download is rejected as soon as it lands.
 */
final class Staging {
  private final Path dir;
  private final Map<String, String> expectedSha256;
  private final Set<String> verified = new HashSet<>();

  Staging(Path dir, Map<String, String> expectedSha256) {
    this.dir = dir;
    this.expectedSha256 = expectedSha256;
  }

  Path dir() {
    return dir;
  }

  /**
   * Writes {@code content} (plain or gzip) uncompressed as {@code dir/name} and verifies it. Does
   * not close {@code content}.
   *
   * @throws IOException naming the file when the checksum does not match
   */
  void put(String name, InputStream content) throws IOException {
    String expected = expectedSha256.get(name);
    if (expected == null) {
      throw new IllegalArgumentException("not an MNIST file name: " + name);
    }
    MessageDigest digest = Sha256.newDigest();
    Path target = dir.resolve(name);
    try (InputStream in = MaybeGzip.decompress(CloseShieldInputStream.wrap(content))) {
      Files.copy(new DigestInputStream(in, digest), target, StandardCopyOption.REPLACE_EXISTING);
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (!actual.equalsIgnoreCase(expected)) {
      Files.deleteIfExists(target);
      throw new IOException(MnistFiles.mismatch(name, expected, actual));
    }
    verified.add(name);
  }

  /** Fails naming the files that were never supplied. */
  void requireComplete() throws IOException {
    List<String> missing = new ArrayList<>();
    for (String name : MnistFiles.NAMES) {
      if (!verified.contains(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new IOException("did not supply " + String.join(", ", missing));
    }
  }
}
