package org.mniststream.trainer.commands;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.evaluation.MetricsReport;
import org.mniststream.trainer.evaluation.QualityGateException;
import org.mniststream.trainer.training.MnistTrainer;
import org.mniststream.trainer.training.TrainingSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluates a saved or published model version on the test set of an IDX dataset, through"
          + " the serving path: accuracy, loss, per-class accuracy and confusion matrix.",
      ""
    })
public final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Mixin CliOptions.Data data;
  @Mixin CliOptions.Kafka kafka;

  @Option(
      names = "--model-name",
      paramLabel = "NAME",
      defaultValue = TrainingSettings.DEFAULT_MODEL_NAME,
      description = "Model name to read --model-version of (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(
      names = "--min-accuracy",
      paramLabel = "A",
      description = "Exit with code 3 when the test accuracy is below A.")
  Double minAccuracy;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "PyTorch intra-op threads (default: cores - 1, at least 1).")
  Integer threads;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelVersion version = source.load(kafka, modelName);
    CliOptions.configureThreads(threads);
    DatasetFiles files = data.files();
    IdxDataset test = files.loadTest();
    out.printf(
        Locale.ROOT,
        "Model %s version %d (%s, %s), test set: %d images from %s%n",
        version.getModelName(),
        version.getVersion(),
        version.getArchitecture(),
        version.getSignature() == null ? "unsigned" : "signed, key id " + version.getSigningKeyId(),
        test.count(),
        files.source());
    EvaluationMetrics metrics = MnistTrainer.evaluate(version, test);
    out.print(MetricsReport.format(metrics));
    out.flush();
    QualityGateException.check(metrics.getTestAccuracy(), minAccuracy);
    return ExitCodes.OK;
  }
}
