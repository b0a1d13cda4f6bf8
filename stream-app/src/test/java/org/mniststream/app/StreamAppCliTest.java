package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamAppCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return StreamAppCli.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "rollout", "models"})
  void shouldPrintHelpForEverySubcommandAndSucceed(String command) {
    assertThat(run(command, "--help")).isZero();
    assertThat(out.toString()).contains("Usage: stream-app " + command).contains("-D");
  }

  @Test
  void shouldListSubcommandsAndExitCodesInTheTopLevelHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains("run", "rollout", "models")
        .contains("Exit codes:")
        .contains("3   rollout refused");
  }

  @Test
  void shouldExitWithUsageWithoutASubcommand() {
    assertThat(run()).isEqualTo(StreamAppCli.USAGE);
  }

  @Test
  void shouldExitWithUsageOnAnUnknownOption() {
    assertThat(run("run", "--no-such-option")).isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString()).contains("--no-such-option");
  }

  @Test
  void shouldExitWithUsageOnAContradictoryRolloutBeforeContactingKafka() {
    assertThat(run("rollout", "--pin", "1", "--latest")).isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString()).contains("--pin and --latest");
  }

  @Test
  void shouldExitWithUsageOnInvalidConfiguration() {
    assertThat(run("run", "-D", "inference.batch.size=zero")).isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString()).contains("inference.batch.size");
  }
}
