package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.MnistSubset;
import org.mniststream.trainer.data.ScannerDrift;

class DriftDataCommandTest {
  @TempDir Path dir;

  @Test
  void shouldWriteTheShiftedTrainAndTestSetsAsADatasetTheTrainerReads() throws Exception {
    Path source = MnistSubset.copyTo(dir.resolve("mnist"));
    Path out = dir.resolve("drift");

    int exitCode =
        MnistStreamCli.execute(
            "drift-data", "--data-dir", source.toString(), "--out", out.toString(), "--seed", "4");

    assertThat(exitCode).isZero();
    DatasetFiles written = DatasetFiles.inDirectory(out);
    IdxDataset train = written.loadTrain();
    IdxDataset test = written.loadTest();
    IdxDataset originalTest = MnistSubset.test();
    assertThat(train.count()).isEqualTo(MnistSubset.TRAIN_COUNT);
    assertThat(train.labels()).isEqualTo(MnistSubset.train().labels());
    assertThat(test.labels()).isEqualTo(originalTest.labels());
    assertThat(train.pixels())
        .isEqualTo(
            ScannerDrift.shift(MnistSubset.train(), ScannerDrift.Settings.DEFAULTS, 4).pixels());
    assertThat(test.pixels())
        .as("the test set is shifted too, with a seed of its own")
        .isNotEqualTo(originalTest.pixels())
        .isNotEqualTo(ScannerDrift.shift(originalTest, ScannerDrift.Settings.DEFAULTS, 4).pixels());
  }

  @Test
  void shouldAppendTheOriginalTrainingImagesWhenAsked() throws Exception {
    Path source = MnistSubset.copyTo(dir.resolve("mnist"));
    Path out = dir.resolve("drift");

    int exitCode =
        MnistStreamCli.execute(
            "drift-data",
            "--data-dir",
            source.toString(),
            "--out",
            out.toString(),
            "--with-original");

    assertThat(exitCode).isZero();
    IdxDataset train = DatasetFiles.inDirectory(out).loadTrain();
    IdxDataset original = MnistSubset.train();
    assertThat(train.count()).isEqualTo(2 * original.count());
    for (int i : new int[] {0, 1234, original.count() - 1}) {
      assertThat(train.pixelsOf(original.count() + i)).isEqualTo(original.pixelsOf(i));
      assertThat(train.label(i)).isEqualTo(original.label(i));
      assertThat(train.label(original.count() + i)).isEqualTo(original.label(i));
    }
    assertThat(DatasetFiles.inDirectory(out).loadTest().count())
        .as("the test set stays shifted only")
        .isEqualTo(MnistSubset.TEST_COUNT);
  }

  @Test
  void shouldRefuseAnInvalidSettingAsAUsageErrorInOneLine() {
    StringWriter err = new StringWriter();

    int exitCode =
        MnistStreamCli.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute("drift-data", "--out", dir.toString(), "--background", "300");

    assertThat(exitCode).isEqualTo(2);
    assertThat(err.toString()).startsWith("background must be 0..255, was 300\n");
  }

  @Test
  void shouldReportAMissingDataDirectoryInOneLine() {
    StringWriter err = new StringWriter();

    int exitCode =
        MnistStreamCli.commandLine()
            .setErr(new PrintWriter(err, true))
            .execute(
                "drift-data",
                "--data-dir",
                dir.resolve("absent").toString(),
                "--out",
                dir.resolve("out").toString());

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("error: data directory " + dir.resolve("absent") + " does not exist\n");
  }
}
