package org.mniststream.trainer.commands;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.publishing.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes a saved model to the models topic as the next version of its name (signing it"
          + " when a key is given). The quality gate uses the metrics stored with the model.",
      ""
    })
public final class PublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"--model-dir", "--from-dir"},
      required = true,
      paramLabel = "DIR",
      description = "The saved model directory.")
  Path dir;

  @Option(
      names = "--model-name",
      paramLabel = "NAME",
      description = "Publish under this model name instead of the saved one.")
  String modelName;

  @Option(
      names = "--min-accuracy",
      paramLabel = "A",
      description = "Refuse to publish when the stored test accuracy is below A (exit code 3).")
  Double minAccuracy;

  @Mixin CliOptions.Signing signing;
  @Mixin CliOptions.Kafka kafka;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    ModelVersion model = SavedModel.load(dir);
    if (modelName != null) {
      model.setModelName(modelName);
    }
    CliOptions.Publish publish = new CliOptions.Publish();
    publish.publish = true;
    publish.minAccuracy = minAccuracy;
    ModelRelease.release(model, publish, kafka, signing, null, out);
    return ExitCodes.OK;
  }
}
