package org.mniststream.trainer.commands;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mniststream.model.Architecture;
import org.mniststream.trainer.training.MnistTrainer;
import org.mniststream.trainer.training.TrainingData;
import org.mniststream.trainer.training.TrainingResult;
import org.mniststream.trainer.training.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a new model from seeded random weights (the seed's CNN by default), evaluates it on"
          + " the test set, and optionally saves and publishes it.",
      ""
    })
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CliOptions.Data data;
  @Mixin CliOptions.Training training;
  @Mixin CliOptions.Publish publish;
  @Mixin CliOptions.Signing signing;
  @Mixin CliOptions.Kafka kafka;

  @Option(
      names = "--arch",
      paramLabel = "ARCH",
      defaultValue = "cnn",
      converter = CliOptions.ArchitectureConverter.class,
      description = "Network: cnn (cnn-v1, 225,034 parameters) or mlp (mlp-v1) (default: cnn).")
  Architecture architecture;

  @Option(
      names = "--epochs",
      defaultValue = "10",
      paramLabel = "N",
      description = "Passes over the training set (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--learning-rate",
      defaultValue = "0.001",
      paramLabel = "LR",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(
      names = "--standardize",
      description =
          "Standardize pixels with MNIST's mean 0.1307 and std 0.3081 after scaling to [0,1]"
              + " (stored in the version's input contract).")
  boolean standardize;

  @Option(
      names = "--model-name",
      defaultValue = TrainingSettings.DEFAULT_MODEL_NAME,
      paramLabel = "NAME",
      description = "Model name the version belongs to (default: ${DEFAULT-VALUE}).")
  String modelName;

  @Option(
      names = {"--output", "-o"},
      paramLabel = "DIR",
      description = "Save the model (model.params + model-version.avro) to DIR.")
  Path output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TrainingSettings settings =
        training.settings(spec, architecture, epochs, learningRate, standardize, modelName);
    TrainingData trainingData = training.load(data, settings);
    TrainingResult result =
        MnistTrainer.train(
            settings, trainingData, new ConsoleProgress(out, err, ConsoleProgress.isTerminal()));
    printTimings(out, result);
    ModelRelease.release(result.version(), publish, kafka, signing, output, out);
    return ExitCodes.OK;
  }

  static void printTimings(PrintWriter out, TrainingResult result) {
    double seconds = result.trainingTime().toMillis() / 1000.0;
    out.printf(
        Locale.ROOT,
        "Training time: %.1f s (%.1f s per epoch), evaluation %.1f s%n",
        seconds,
        seconds / result.epochs().size(),
        result.evaluationTime().toMillis() / 1000.0);
    out.flush();
  }
}
