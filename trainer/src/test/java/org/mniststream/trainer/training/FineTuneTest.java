package org.mniststream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mniststream.model.Architecture;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.schemas.ModelVersion;

class FineTuneTest {
  private static final TrainingData SUBSET = SubsetModels.subsetData();

  @Test
  void shouldStartFromTheParentsWeightsAndRecordItsVersion() throws Exception {
    // Given a published parent (version 5) trained for a few batches
    TrainingSettings settings =
        TrainingSettings.defaults()
            .withArchitecture(Architecture.MLP_V1)
            .withEpochs(1)
            .withMaxBatches(3);
    ModelVersion parent = MnistTrainer.train(settings, SUBSET, ProgressListener.SILENT).version();
    parent.setVersion(5L);
    EvaluationMetrics parentMetrics = MnistTrainer.evaluate(parent, SUBSET.test());

    // When it is fine-tuned (asking for the CNN, which must be ignored: the parent's network wins)
    TrainingResult tuned =
        MnistTrainer.fineTune(
            parent,
            settings.withArchitecture(Architecture.CNN_V1).withMaxBatches(2),
            SUBSET,
            ProgressListener.SILENT);

    // Then it started exactly where the parent was, and it names the parent
    assertThat(tuned.initialMetrics()).contains(parentMetrics);
    ModelVersion child = tuned.version();
    assertThat(child.getParentVersion()).isEqualTo(5L);
    assertThat(child.getArchitecture()).isEqualTo(parent.getArchitecture());
    assertThat(child.getInputContract()).isEqualTo(parent.getInputContract());
    assertThat(child.getTrainingConfig())
        .containsEntry("parentParametersSha256", parent.getParametersSha256());
    assertThat(child.getParametersSha256()).isNotEqualTo(parent.getParametersSha256());
  }
}
