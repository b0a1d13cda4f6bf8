package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.trainer.training.SubsetModels;

class JudgeBenchCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void shouldNeverRollBackTheBaselinesOwnWeightsAndWriteOneJsonLine(@TempDir Path tmp)
      throws Exception {
    // Given two real models trained on the committed MNIST subset (1,000 test images)
    String mlp = SubsetModels.subsetMlpDir().toString();
    String cnn = SubsetModels.subsetCnnDir().toString();
    Path json = tmp.resolve("judge.json");

    // When
    int exit =
        run(
            "--data-dir",
            SubsetModels.subsetDir().toString(),
            "--baseline",
            mlp,
            "--candidate",
            "same=" + mlp,
            "--candidate",
            "cnn=" + cnn,
            "--runs",
            "3",
            "--json",
            json.toString());

    // Then
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("stage canary-10")
        .containsPattern("(?m)^same .*\\(\\+0\\.00 pt\\), discordant on 0\\.00 %.*rolled back 0")
        .contains("false rollbacks 0/3")
        .containsPattern("(?m)^cnn ");
    List<String> lines = Files.readAllLines(json);
    assertThat(lines).hasSize(1);
    var report = JsonCodec.readTree(lines.get(0));
    assertThat(report.get("runs").asInt()).isEqualTo(3);
    assertThat(report.get("candidates")).hasSize(2);
    assertThat(report.get("candidates").get(0).get("promoted").asInt()).isEqualTo(3);
    assertThat(report.get("candidates").get(0).get("perRun")).hasSize(3);
  }

  @Test
  void shouldAnswerAMissingModelDirectoryWithOneLineAndExitCodeOne(@TempDir Path tmp) {
    int exit =
        run(
            "--data-dir", SubsetModels.subsetDir().toString(),
            "--baseline", tmp.resolve("nowhere").toString(),
            "--candidate", tmp.toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().strip())
        .startsWith("judge-bench: ")
        .contains("nowhere is not a saved model directory")
        .doesNotContain("\n")
        .doesNotContain("Exception");
  }

  @Test
  void shouldRefuseAStageWithNothingToJudgeAndATakenName() {
    assertThat(run("--baseline", "a", "--candidate", "b", "--stage", "active")).isEqualTo(2);
    assertThat(err.toString()).contains("no judged stage 'active'").contains("canary-10");

    assertThat(run("--baseline", "a", "--candidate", "x=b", "--candidate", "x=c")).isEqualTo(2);
    assertThat(err.toString()).contains("the name 'x' is taken");

    assertThat(run("--baseline", "a", "--candidate", "b", "--canary-percent", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("percent");
  }

  private int run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "judge-bench";
    System.arraycopy(args, 0, all, 1, args.length);
    return MnistStreamCli.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(all);
  }
}
