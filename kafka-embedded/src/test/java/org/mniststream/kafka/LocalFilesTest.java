package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFilesTest {

  @Test
  void shouldReturnTheLastLinesOfAFile(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("broker.log");
    Files.writeString(
        log, IntStream.range(0, 1000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));

    assertThat(LocalFiles.tail(log, 3)).isEqualTo("line 997\nline 998\nline 999");
  }

  @Test
  void shouldReturnNothingForAMissingFile(@TempDir Path dir) {
    assertThat(LocalFiles.tail(dir.resolve("absent.log"), 3)).isEmpty();
  }

  @Test
  void shouldDeleteADirectoryTree(@TempDir Path dir) throws Exception {
    Path tree = dir.resolve("tree");
    Files.createDirectories(tree.resolve("a/b"));
    Files.writeString(tree.resolve("a/b/file"), "x");

    LocalFiles.deleteRecursively(tree);

    assertThat(tree).doesNotExist();
  }

  @Test
  void shouldPickDistinctFreePorts() {
    int[] ports = LocalFiles.freeLoopbackPorts(2);

    assertThat(ports).hasSize(2).doesNotHaveDuplicates();
    assertThat(Arrays.stream(ports)).allMatch(p -> p > 0 && p < 65_536);
  }
}
