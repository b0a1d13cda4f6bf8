package org.mniststream.trainer.commands;

import java.nio.file.Path;
import java.util.OptionalLong;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.publishing.ModelPublishException;
import org.mniststream.trainer.publishing.SavedModel;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Where a model version comes from: a saved directory or the models topic (an exclusive group). */
final class ModelSource {
  @Option(
      names = {"--model-dir", "--from-dir"},
      paramLabel = "DIR",
      description = "A saved model directory (model.params + model-version.avro).")
  Path dir;

  @Option(
      names = {"--model-version", "--from-version"},
      paramLabel = "N|latest",
      converter = VersionConverter.class,
      description = "A version published on the models topic, or latest.")
  OptionalLong version;

  /** Loads the version; {@code modelName} names the model whose version is read from Kafka. */
  ModelVersion load(CliOptions.Kafka kafka, String modelName) throws Exception {
    if (dir != null) {
      return SavedModel.load(dir);
    }
    return kafka
        .topic()
        .published(modelName, version)
        .orElseThrow(
            () ->
                new ModelPublishException(
                    "topic "
                        + kafka.topic
                        + " has no "
                        + (version.isPresent() ? "version " + version.getAsLong() : "version")
                        + " of model "
                        + modelName));
  }

  /** {@code latest} (empty) or a version number >= 1. */
  static final class VersionConverter implements ITypeConverter<OptionalLong> {
    @Override
    public OptionalLong convert(String text) {
      if ("latest".equalsIgnoreCase(text)) {
        return OptionalLong.empty();
      }
      try {
        long v = Long.parseLong(text);
        if (v >= 1) {
          return OptionalLong.of(v);
        }
      } catch (NumberFormatException e) {
        // fall through to the message below
      }
      throw new TypeConversionException(
          "a version is a number >= 1 or 'latest', not '" + text + "'");
    }
  }
}
