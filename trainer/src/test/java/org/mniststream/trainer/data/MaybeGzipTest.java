package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.model.Sha256;

class MaybeGzipTest {
  private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
  private static final String ABC_SHA256 =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir Path dir;

  @Test
  void shouldHashFileAsStoredButUncompressedContentOfGzipFile() throws IOException {
    Path gzip = Files.write(dir.resolve("abc.bin"), TestTar.gzip(ABC));
    Path plain = Files.write(dir.resolve("plain.gz"), ABC);

    assertThat(Sha256.hex(gzip)).isNotEqualTo(ABC_SHA256);
    assertThat(MaybeGzip.sha256Uncompressed(gzip)).isEqualTo(ABC_SHA256);
    assertThat(MaybeGzip.sha256Uncompressed(plain)).isEqualTo(ABC_SHA256);
  }

  @Test
  void shouldReadLargeGzipFileInFull() throws IOException {
    byte[] data = IdxReaderTest.pixels(300);
    Path gzip = Files.write(dir.resolve("large"), TestTar.gzip(data));

    try (InputStream in = MaybeGzip.open(gzip)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }
}
