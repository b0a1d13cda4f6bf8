package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

  @Test
  void shouldReturnTheLastLinesOfAFile(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("broker.log");
    Files.writeString(
        log, IntStream.range(0, 1000).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));

    assertThat(ChildJvm.tail(log, 3)).isEqualTo("line 997\nline 998\nline 999");
  }

  @Test
  void shouldReturnNothingForAMissingFile(@TempDir Path dir) {
    assertThat(ChildJvm.tail(dir.resolve("absent.log"), 3)).isEmpty();
  }

  @Test
  void shouldMakeTheChildClasspathAbsoluteBecauseTheChildMayRunElsewhere() {
    String cwd = Path.of("").toAbsolutePath().toString();

    String classpath =
        ChildJvm.childClasspath(
            String.join(File.pathSeparator, "target/cli.jar", "/opt/lib/a.jar", "lib/*", ""));

    assertThat(classpath.split(File.pathSeparator))
        .containsExactly(cwd + "/target/cli.jar", "/opt/lib/a.jar", cwd + "/lib/*");
  }
}
