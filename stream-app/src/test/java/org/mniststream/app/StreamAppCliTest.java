package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  @Test
  void shouldRefuseAutoWithAManualOptionBeforeContactingKafka() {
    assertThat(run("rollout", "--auto", "3", "--canary", "3", "--percent", "10"))
        .isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString())
        .contains("--auto cannot be combined with --canary, --percent")
        .doesNotContain("\tat ");
  }

  @Test
  void shouldRefusePolicyAndPairedPercentWithoutAuto() {
    assertThat(run("rollout", "--pin", "1", "--paired-percent", "50"))
        .isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString()).contains("go with --auto");
  }

  @Test
  void shouldRefuseAPairedPercentOutOfRange() {
    assertThat(run("rollout", "--auto", "3", "--paired-percent", "101"))
        .isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString()).contains("--paired-percent must be 0..100, got 101");
  }

  @Test
  void shouldRefuseAMissingPolicyFileInOneLineBeforeContactingKafka(@TempDir Path dir) {
    Path missing = dir.resolve("policy.json");

    assertThat(run("rollout", "--auto", "3", "--policy", missing.toString()))
        .isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString()).isEqualTo("policy file " + missing + ": no such file\n");
  }

  @Test
  void shouldPrintEveryProblemOfAPolicyBeforeContactingKafka(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.json");
    Files.writeString(
        policy,
        "{\"stages\": [{\"name\": \"c\", \"route\": \"CANARY\", \"percent\": 0}],"
            + " \"alpha\": 2}");

    assertThat(run("rollout", "--auto", "3", "--policy", policy.toString()))
        .isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString().lines())
        .containsExactly(
            "policy file " + policy + ": stage 0 (c): a CANARY stage needs percent 1..100, got 0",
            "policy file " + policy + ": alpha must be in (0, 1), got 2.0");
  }
}
