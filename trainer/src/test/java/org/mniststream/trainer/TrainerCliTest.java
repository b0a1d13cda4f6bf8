package org.mniststream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mniststream.model.ModelSigning;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.commands.ExitCodes;
import org.mniststream.trainer.publishing.SavedModel;
import org.mniststream.trainer.training.SubsetModels;

class TrainerCliTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    out.reset();
    err.reset();
    return TrainerCli.execute(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static String subset() {
    return SubsetModels.subsetDir().toString();
  }

  @Test
  void shouldTrainTheCnnOnTheCommittedSubsetToOverNinetyPercentThroughTheCli() throws Exception {
    Path output = tmp.resolve("cnn");

    int code = run("train", "--data-dir", subset(), "--epochs", "3", "--output", output.toString());

    assertThat(code).as(stderr()).isEqualTo(ExitCodes.OK);
    ModelVersion saved = SavedModel.load(output);
    EvaluationMetrics metrics = saved.getMetrics();
    assertThat(metrics.getTestSize()).isEqualTo(1000);
    assertThat(metrics.getTestAccuracy()).isGreaterThan(0.90);
    assertThat(metrics.getConfusionMatrix().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(1000);
    assertThat(metrics.getPerClassAccuracy()).hasSize(10);
    assertThat(saved.getArchitecture()).isEqualTo("cnn-v1");
    assertThat(saved.getVersion()).isZero();
    assertThat(stdout())
        .contains("Total params: 225,034")
        .contains("epoch 1:")
        .contains("epoch 3:")
        .contains("Confusion matrix")
        .contains("Saved to " + output);
    assertThat(stderr()).contains("24/24 [");
  }

  @Test
  void shouldRefuseToPublishBelowTheQualityGateWithItsOwnExitCode() throws Exception {
    Path output = tmp.resolve("weak");

    // publishing would fail (nothing listens on port 1): the gate must refuse before trying
    int code =
        run(
            "train",
            "--data-dir",
            subset(),
            "--arch",
            "mlp",
            "--epochs",
            "1",
            "--max-batches",
            "1",
            "--min-accuracy",
            "0.99",
            "--publish",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--output",
            output.toString());

    assertThat(code).isEqualTo(ExitCodes.QUALITY_GATE_REFUSED);
    assertThat(stderr()).contains("quality gate refused").contains("below the required 0.9900");
    assertThat(stdout()).doesNotContain("Published");
    assertThat(SavedModel.load(output).getMetrics().getTestAccuracy()).isLessThan(0.99);
  }

  @Test
  void shouldSignWithAKeyFromKeygenSoThatThePublicKeyVerifiesIt() throws Exception {
    assertThat(run("keygen", "--out-dir", tmp.toString(), "--name", "release"))
        .as(stderr())
        .isEqualTo(ExitCodes.OK);
    Path privateKey = tmp.resolve("release.key");
    assertThat(Files.readString(privateKey)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.getPosixFilePermissions(privateKey))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    Path output = tmp.resolve("signed");

    int code =
        run(
            "train",
            "--data-dir",
            subset(),
            "--arch",
            "mlp",
            "--epochs",
            "1",
            "--max-batches",
            "2",
            "--signing-key",
            privateKey.toString(),
            "--output",
            output.toString());

    assertThat(code).as(stderr()).isEqualTo(ExitCodes.OK);
    ModelVersion saved = SavedModel.load(output);
    var publicKey = ModelSigning.readPublicKey(tmp.resolve("release.pub"));
    assertThat(ModelSigning.verifiedBy(saved, Collections.singletonList(publicKey)))
        .contains(publicKey);
    assertThat(saved.getSigningKeyId()).isEqualTo(ModelSigning.keyId(publicKey));
    // a changed parameter hash no longer verifies
    saved.setParametersSha256("0".repeat(64));
    assertThat(ModelSigning.verifiedBy(saved, Collections.singletonList(publicKey))).isEmpty();
  }

  @Test
  void shouldRefuseToOverwriteAnExistingKeyPair() {
    assertThat(run("keygen", "--out-dir", tmp.toString())).isEqualTo(ExitCodes.OK);

    assertThat(run("keygen", "--out-dir", tmp.toString())).isEqualTo(ExitCodes.FAILURE);
    assertThat(stderr()).contains("already exists");
  }

  @Test
  void shouldEvaluateAndFineTuneASavedModel() throws Exception {
    Path parentDir = SubsetModels.subsetMlpDir();
    ModelVersion parent = SavedModel.load(parentDir);

    assertThat(run("evaluate", "--model-dir", parentDir.toString(), "--data-dir", subset()))
        .as(stderr())
        .isEqualTo(ExitCodes.OK);
    assertThat(stdout())
        .contains(String.format("Test accuracy: %.4f", parent.getMetrics().getTestAccuracy()));

    Path tuned = tmp.resolve("tuned");
    int code =
        run(
            "fine-tune",
            "--from-dir",
            parentDir.toString(),
            "--data-dir",
            subset(),
            "--epochs",
            "1",
            "--max-batches",
            "3",
            "--output",
            tuned.toString());

    assertThat(code).as(stderr()).isEqualTo(ExitCodes.OK);
    assertThat(stdout())
        .contains(
            String.format(
                "Starting weights: test accuracy %.4f", parent.getMetrics().getTestAccuracy()));
    ModelVersion child = SavedModel.load(tuned);
    assertThat(child.getArchitecture()).isEqualTo(parent.getArchitecture());
    assertThat(child.getTrainingConfig())
        .containsEntry("parentParametersSha256", parent.getParametersSha256());
  }

  @Test
  void shouldExitWithDataUnavailableWhenTheDataDirectoryLacksFiles() {
    int code = run("train", "--data-dir", tmp.resolve("nothing").toString(), "--max-batches", "1");

    assertThat(code).isEqualTo(ExitCodes.DATA_UNAVAILABLE);
    assertThat(stderr()).contains("does not exist");
  }

  @Test
  void shouldExitWithUsageErrorOnBadOptions() {
    assertThat(run("train", "--no-such-option")).isEqualTo(ExitCodes.USAGE);
    assertThat(run("train", "--arch", "transformer")).isEqualTo(ExitCodes.USAGE);
    assertThat(stderr()).contains("unknown architecture");
    assertThat(run("train", "--epochs", "0", "--data-dir", subset())).isEqualTo(ExitCodes.USAGE);
    assertThat(run("evaluate", "--model-version", "zero")).isEqualTo(ExitCodes.USAGE);
    assertThat(run()).isEqualTo(ExitCodes.USAGE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"train", "evaluate", "fine-tune", "publish", "keygen"})
  void shouldPrintHelpForEachSubcommand(String subcommand) {
    assertThat(run(subcommand, "--help")).isEqualTo(ExitCodes.OK);
    assertThat(stdout()).contains("Usage: mnist-trainer " + subcommand);
  }

  @Test
  void shouldListTheExitCodesInTheTopLevelHelp() {
    assertThat(run("--help")).isEqualTo(ExitCodes.OK);
    assertThat(stdout()).contains("Exit codes:").contains("3").contains("quality gate");
  }
}
