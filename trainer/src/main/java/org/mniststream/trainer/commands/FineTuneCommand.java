package org.mniststream.trainer.commands;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Provenance;
import org.mniststream.trainer.stream.OffsetSelection;
import org.mniststream.trainer.stream.ServingPreprocessing;
import org.mniststream.trainer.stream.StreamDecoders;
import org.mniststream.trainer.stream.StreamExampleReader;
import org.mniststream.trainer.stream.StreamExamples;
import org.mniststream.trainer.training.MnistTrainer;
import org.mniststream.trainer.training.StreamFineTune;
import org.mniststream.trainer.training.TrainingData;
import org.mniststream.trainer.training.TrainingResult;
import org.mniststream.trainer.training.TrainingSettings;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "fine-tune",
    mixinStandardHelpOptions = true,
    description = {
      "Continues training a model version (from a saved directory or from the models topic) on a"
          + " dataset, keeping its architecture and input contract. The result records the"
          + " origin as its parentVersion and is published as a new version of the same name.",
      "With --from-topic, the dataset is the labelled image events of a topic (plus a replay"
          + " sample of --data-dir's training set), and the version records its provenance.",
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
  @Mixin StreamSource stream;

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
    if (stream.enabled()) {
      return fromTopic(parent, settings, trainingData, out, err);
    }
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

  private int fromTopic(
      ModelVersion parent,
      TrainingSettings settings,
      TrainingData original,
      PrintWriter out,
      PrintWriter err)
      throws Exception {
    OffsetSelection selection;
    try {
      selection = stream.selection();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    StreamDecoders decoders =
        StreamDecoders.from(
            kafka.clientProperties(), stream.imagesTopic, stream.labelsTopicOrNull());
    ServingPreprocessing preprocessing =
        new ServingPreprocessing(
            parent.getInputContract().getHeight(), stream.maxImageSide, decoders.images());
    long readStart = System.nanoTime();
    StreamExamples examples =
        StreamExampleReader.read(
            decoders.kafka(),
            stream.imagesTopic,
            stream.labelsTopicOrNull(),
            selection,
            preprocessing,
            decoders.labels(),
            kafka.timeout());
    out.printf(
        Locale.ROOT,
        "Read %d records of %s in %.1f s: %d labelled examples (%d inline, %d %s),"
            + " skipped %s%n",
        examples.imageRecords(),
        StreamExamples.describe(examples.imagesTopic(), examples.imageRanges()),
        (System.nanoTime() - readStart) / 1e9,
        examples.examples().count(),
        examples.labelledInline(),
        examples.labelledByTopic(),
        examples.labelsTopic().map(t -> "from " + t).orElse("from a labels topic: none read"),
        examples.skipped().isEmpty() ? "none" : examples.skipped());
    StreamFineTune.Result result =
        StreamFineTune.run(
            parent,
            settings,
            examples,
            original,
            stream.replayRatio,
            stream.holdoutFraction,
            new ConsoleProgress(out, err, ConsoleProgress.isTerminal()));
    Provenance p = result.provenance();
    out.printf(
        Locale.ROOT,
        "Trained on %d stream examples + %d replayed (ratio %s%s), %d held out%n",
        p.getStreamExamples(),
        p.getReplayedExamples(),
        p.getReplayRatio(),
        result.replayCapped() ? ", capped at the whole training set" : "",
        p.getHoldoutExamples());
    out.printf(
        Locale.ROOT,
        "Original test set accuracy: %.4f before, %.4f after%n",
        p.getOldTestAccuracyBefore(),
        p.getOldTestAccuracyAfter());
    if (p.getHoldoutAccuracy() != null) {
      out.printf(
          Locale.ROOT,
          "Stream holdout accuracy: %.4f before, %.4f after%n",
          p.getHoldoutAccuracyBefore(),
          p.getHoldoutAccuracy());
    }
    TrainCommand.printTimings(out, result.training());
    ModelRelease.release(result.version(), publish, kafka, signing, output, out);
    return ExitCodes.OK;
  }
}
