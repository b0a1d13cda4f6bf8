package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MnistStreamCliTest {

  @Test
  void shouldRouteEveryCommandOfBothHalvesToItsCli() {
    assertThat(MnistStreamCli.TRAINER)
        .contains("train", "evaluate", "fine-tune", "publish", "keygen")
        .doesNotContain("help");
    assertThat(MnistStreamCli.STREAM_APP)
        .contains("run", "rollout", "models")
        .doesNotContain("help");
    assertThat(MnistStreamCli.TRAINER).doesNotContainAnyElementsOf(MnistStreamCli.STREAM_APP);
  }

  @Test
  void shouldListEveryCommandInTheUsage() {
    Set<String> commands = new HashSet<>(MnistStreamCli.TRAINER);
    commands.addAll(MnistStreamCli.STREAM_APP);
    commands.addAll(MnistStreamCli.commandLine().getSubcommands().keySet());
    commands.remove("help");

    assertThat(commands)
        .contains("demo", "bench", "chaos", "sample-events", "broker")
        .allSatisfy(
            command ->
                assertThat(MnistStreamCli.usage())
                    .as("a line for '%s' in the usage", command)
                    .containsPattern("(?m)^  " + command + " "));
  }

  @Test
  void shouldAnswerHelpWithZeroAndNoCommandOrAnUnknownOneWithTwo() {
    assertThat(MnistStreamCli.execute("--help")).isZero();
    assertThat(MnistStreamCli.execute("help")).isZero();
    assertThat(MnistStreamCli.execute("help", "demo")).isZero();
    assertThat(MnistStreamCli.execute()).isEqualTo(2);
    assertThat(MnistStreamCli.execute("no-such-command")).isEqualTo(2);
  }

  @Test
  void shouldHandTheBrokerItsOwnOptionsAndHelp() {
    StringWriter out = new StringWriter();

    int exitCode =
        MnistStreamCli.commandLine().setOut(new PrintWriter(out, true)).execute("broker", "--help");

    assertThat(exitCode).isZero();
    assertThat(out.toString()).startsWith("Usage: mnist-stream broker").contains("--data-dir");
    assertThat(MnistStreamCli.execute("broker", "--bogus")).isEqualTo(2);
  }
}
