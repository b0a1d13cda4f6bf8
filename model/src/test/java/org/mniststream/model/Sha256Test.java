package org.mniststream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {
  private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
  private static final String ABC_SHA256 =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @TempDir Path dir;

  @Test
  void shouldHashTheFips180TestVector() throws IOException {
    assertThat(Sha256.hex(ABC)).isEqualTo(ABC_SHA256);
    assertThat(Sha256.hex(new ByteArrayInputStream(ABC))).isEqualTo(ABC_SHA256);
    assertThat(Sha256.digest(ABC)).isEqualTo(HexFormat.of().parseHex(ABC_SHA256));
  }

  @Test
  void shouldHashFileAsStored() throws IOException {
    Path file = Files.write(dir.resolve("abc"), ABC);

    assertThat(Sha256.hex(file)).isEqualTo(ABC_SHA256);
  }

  @Test
  void shouldHashLargeFileInChunks() throws IOException {
    byte[] data = new byte[300_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    Path file = Files.write(dir.resolve("large"), data);

    assertThat(Sha256.hex(file)).isEqualTo(Sha256.hex(data));
  }
}
