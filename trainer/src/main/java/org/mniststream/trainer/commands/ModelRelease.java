package org.mniststream.trainer.commands;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Locale;
import org.mniststream.model.ModelSigning;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;
import org.mniststream.trainer.evaluation.QualityGateException;
import org.mniststream.trainer.publishing.ModelPublishException;
import org.mniststream.trainer.publishing.ModelPublisher;
import org.mniststream.trainer.publishing.SavedModel;

/**
 * What happens to a model after training: the quality gate, signing, publishing and saving, in that
 * order. Shared by the train, fine-tune and publish commands.
 */
final class ModelRelease {
  private ModelRelease() {}

  /**
   * Saves (when {@code output} is set) and publishes (when {@code publish}), returning the version
   * as delivered; the saved copy is rewritten with the published version number. A model below the
   * gate is still saved, for inspection, but never published.
   */
  static ModelVersion release(
      ModelVersion model,
      CliOptions.Publish publish,
      CliOptions.Kafka kafka,
      CliOptions.Signing signing,
      Path output,
      PrintWriter out)
      throws IOException, ModelPublishException, QualityGateException {
    KeyPair keys = signing.keys();
    try {
      QualityGateException.check(model.getMetrics().getTestAccuracy(), publish.minAccuracy);
    } catch (QualityGateException e) {
      if (output != null) {
        SavedModel.save(output, model);
        out.println("Saved (unpublished, refused by the quality gate) to " + output);
      }
      throw e;
    }
    ModelVersion local = model;
    if (keys != null) {
      // the local copy is signed as version 0; publishing re-signs with the assigned version
      local = ModelVersion.newBuilder(model).build();
      ModelSigning.sign(local, keys);
    }
    if (output != null) {
      // saved before publishing, so a Kafka failure never loses the trained model
      SavedModel.save(output, local);
      out.println("Saved to " + output);
    }
    ModelVersion delivered = local;
    if (publish.publish) {
      delivered = new ModelPublisher(kafka.topic()).publish(model, keys);
      out.printf(
          Locale.ROOT,
          "Published %s to %s (%s)%n",
          TopicNames.modelKey(delivered.getModelName(), delivered.getVersion()),
          kafka.topic,
          delivered.getSignature() == null
              ? "unsigned"
              : "signed, key id " + delivered.getSigningKeyId());
      if (output != null) {
        SavedModel.save(output, delivered);
      }
    }
    out.flush();
    return delivered;
  }
}
