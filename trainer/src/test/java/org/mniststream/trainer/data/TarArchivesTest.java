package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarArchivesTest {

  @TempDir Path dir;

  @Test
  void shouldReadEveryRegularFileOfTarGzAndSkipDirectories() throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("package/empty", new byte[0]);
    files.put("package/one", new byte[] {42});
    files.put("package/data/511", bytes(511));
    files.put("package/data/512", bytes(512));
    files.put("package/data/513", bytes(513));
    TestTar tar = new TestTar().directory("package/");
    files.forEach(tar::file);
    Path archive = Files.write(dir.resolve("package.tgz"), tar.tarGz());

    Map<String, byte[]> read = readAll(archive);

    assertThat(read.keySet()).containsExactlyElementsOf(files.keySet());
    files.forEach((name, content) -> assertThat(read.get(name)).as(name).isEqualTo(content));
  }

  @Test
  void shouldReadUncompressedTar() throws IOException {
    Path archive = Files.write(dir.resolve("plain.tar"), new TestTar().file("a", bytes(5)).tar());

    assertThat(readAll(archive)).containsOnlyKeys("a");
  }

  @Test
  void shouldJoinUstarPrefixAndName() throws IOException {
    String longPath = "package/" + "d".repeat(120) + "/file.bin";
    Path archive =
        Files.write(dir.resolve("a.tgz"), new TestTar().file(longPath, bytes(3)).tarGz());

    assertThat(readAll(archive)).containsOnlyKeys(longPath);
  }

  @Test
  void shouldUseGnuLongNameAndPaxPath() throws IOException {
    String gnuName = "package/" + "g".repeat(200);
    String paxName = "package/" + "p".repeat(300);
    byte[] archive =
        new TestTar()
            .gnuLongNameFile(gnuName, bytes(10))
            .paxPathFile(paxName, bytes(600))
            .file("after", bytes(1))
            .tarGz();

    Map<String, byte[]> read = readAll(Files.write(dir.resolve("a.tgz"), archive));

    assertThat(read.keySet()).containsExactly(gnuName, paxName, "after");
    assertThat(read.get(paxName)).isEqualTo(bytes(600));
  }

  @Test
  void shouldContinueAfterVisitorReadsOnlyPartOfAnEntry() throws IOException {
    byte[] archive = new TestTar().file("big", bytes(2000)).file("next", bytes(7)).tar();
    Map<String, byte[]> firstBytes = new LinkedHashMap<>();

    TarArchives.forEachFile(
        new ByteArrayInputStream(archive),
        (name, size, content) -> firstBytes.put(name, content.readNBytes(4)));

    assertThat(firstBytes.keySet()).containsExactly("big", "next");
    assertThat(firstBytes.get("next")).isEqualTo(Arrays.copyOf(bytes(7), 4));
  }

  @Test
  void shouldRejectHeaderWithWrongChecksum() throws IOException {
    byte[] archive = new TestTar().file("a", bytes(5)).tar();
    archive[0] = 'b';
    Path file = Files.write(dir.resolve("bad.tar"), archive);

    assertThatThrownBy(() -> readAll(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void shouldRejectTruncatedArchive() throws IOException {
    byte[] archive = new TestTar().file("a", bytes(2000)).tar();
    Path file =
        Files.write(dir.resolve("short.tgz"), TestTar.gzip(Arrays.copyOf(archive, 512 + 1000)));

    assertThatThrownBy(() -> readAll(file))
        .isInstanceOf(IOException.class)
        .message()
        .containsIgnoringCase("truncated");
  }

  @Test
  void shouldRejectSomethingThatIsNotTar() throws IOException {
    byte[] text = "not a tar archive\n".repeat(40).getBytes(StandardCharsets.US_ASCII);
    Path file = Files.write(dir.resolve("text.tgz"), TestTar.gzip(text));

    assertThatThrownBy(() -> readAll(file)).isInstanceOf(IOException.class);
  }

  private static Map<String, byte[]> readAll(Path archive) throws IOException {
    Map<String, byte[]> read = new LinkedHashMap<>();
    TarArchives.forEachFile(
        archive,
        (name, size, content) -> {
          byte[] data = content.readAllBytes();
          assertThat(data).hasSize((int) size);
          read.put(name, data);
        });
    return read;
  }

  private static byte[] bytes(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 13 + 1);
    }
    return bytes;
  }
}
