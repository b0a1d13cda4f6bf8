package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

  @Test
  void shouldPassWhenEveryEventHasOnePredictionOrOneDeadLetter() {
    assertThat(DemoCommand.accountedFor(1_000, 990, 10, 0)).isTrue();
  }

  @Test
  void shouldFailOnALostEvent() {
    assertThat(DemoCommand.accountedFor(1_000, 989, 10, 0)).isFalse();
  }

  @Test
  void shouldFailOnADuplicateEvenWhenTheCountsAddUp() {
    assertThat(DemoCommand.accountedFor(1_000, 1_000, 0, 1)).isFalse();
  }

  @Test
  void shouldRefuseSecureWithAnExistingClusterOrSeveralBrokersInOneLine() {
    StringWriter err = new StringWriter();
    var cli = MnistStreamCli.commandLine().setErr(new PrintWriter(err, true));

    assertThat(cli.execute("demo", "--secure", "--brokers", "3")).isEqualTo(2);
    assertThat(cli.execute("demo", "--secure", "--bootstrap-servers", "127.0.0.1:9092"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--secure runs one embedded broker")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldRefuseSecureOnAWorkDirWithAnEarlierBroker(@TempDir Path work) throws Exception {
    Files.createDirectories(work.resolve("kafka"));
    StringWriter err = new StringWriter();
    var cli = MnistStreamCli.commandLine().setErr(new PrintWriter(err, true));

    assertThat(cli.execute("demo", "--secure", "--work-dir", work.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--secure needs a fresh --work-dir");
  }
}
