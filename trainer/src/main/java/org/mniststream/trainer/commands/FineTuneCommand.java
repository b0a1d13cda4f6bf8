package org.mniststream.trainer.commands;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.training.MnistTrainer;
import org.mniststream.trainer.training.TrainingData;
import org.mniststream.trainer.training.TrainingResult;
import org.mniststream.trainer.training.TrainingSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "fine-tune",
    mixinStandardHelpOptions = true,
    description = {
      "Continues training a model version (from a saved directory or from the models topic) on a"
          + " dataset, keeping its architecture and input contract. The result records the"
          + " origin as its parentVersion and is published as a new version of the same name.",
      ""
    })
public final class FineTuneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  ModelSource source;

  @Option(
      names = "--model-name",
      paramLabel = "NAME",
      description =
          "Model name: the one --from-version is read from, and the one the new version is"
              + " published as (default: the parent's name, else "
              + TrainingSettings.DEFAULT_MODEL_NAME
              + ").")
  String modelName;

  @Mixin CliOptions.Data data;
  @Mixin CliOptions.Training training;
  @Mixin CliOptions.Publish publish;
  @Mixin CliOptions.Signing signing;
  @Mixin CliOptions.Kafka kafka;

  @Option(
      names = "--epochs",
      defaultValue = "3",
      paramLabel = "N",
      description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--learning-rate",
      defaultValue = "0.0001",
      paramLabel = "LR",
      description =
          "Adam learning rate; lower than training's so the start is not forgotten (default:"
              + " ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(
      names = {"--output", "-o"},
      paramLabel = "DIR",
      description = "Save the fine-tuned model to DIR.")
  Path output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ModelVersion parent =
        source.load(kafka, modelName != null ? modelName : TrainingSettings.DEFAULT_MODEL_NAME);
    out.printf(
        "Fine-tuning %s version %d (%s)%n",
        parent.getModelName(), parent.getVersion(), parent.getArchitecture());
    TrainingSettings settings =
        training.settings(
            spec,
            MnistTrainer.architectureOf(parent),
            epochs,
            learningRate,
            false,
            modelName != null ? modelName : parent.getModelName());
    TrainingData trainingData = training.load(data, settings);
    TrainingResult result =
        MnistTrainer.fineTune(
            parent,
            settings,
            trainingData,
            new ConsoleProgress(out, err, ConsoleProgress.isTerminal()));
    TrainCommand.printTimings(out, result);
    ModelRelease.release(result.version(), publish, kafka, signing, output, out);
    return ExitCodes.OK;
  }
}
