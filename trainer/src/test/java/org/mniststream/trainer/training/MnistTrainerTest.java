package org.mniststream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mniststream.model.Architecture;
import org.mniststream.model.InputContracts;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.data.DatasetFiles;

class MnistTrainerTest {
  private static final TrainingData SUBSET = SubsetModels.subsetData();

  @Test
  void shouldReturnFiniteLossAfterTrainingTwoBatches() {
    TrainingSettings settings = TrainingSettings.defaults().withEpochs(1).withMaxBatches(2);

    TrainingResult result = MnistTrainer.train(settings, SUBSET, ProgressListener.SILENT);

    assertThat(result.epochs()).hasSize(1);
    EpochStats epoch = result.lastEpoch();
    assertThat(epoch.batches()).isEqualTo(2);
    assertThat(epoch.images()).isEqualTo(256);
    assertThat(epoch.trainLoss()).isFinite().isPositive();
    assertThat(epoch.trainAccuracy()).isBetween(0.0, 1.0);
    assertThat(epoch.hasValidation()).isFalse();
    assertThat(result.metrics().getTestSize()).isEqualTo(1000);
    assertThat(result.metrics().getTestLoss()).isFinite();
    ModelVersion version = result.version();
    assertThat(version.getVersion()).isZero();
    assertThat(version.getParentVersion()).isNull();
    assertThat(version.getArchitecture()).isEqualTo("cnn-v1");
    assertThat(version.getInputContract()).isEqualTo(InputContracts.scaledToUnit());
    assertThat(version.getMetrics()).isEqualTo(result.metrics());
    assertThat(version.getDatasetFingerprint()).isEqualTo(SUBSET.fingerprint());
    assertThat(version.getTrainingConfig()).containsEntry("maxBatches", "2");
    assertThat(result.summary().totalParameters()).isEqualTo(225_034);
  }

  @Test
  void shouldReproduceWeightsAndLossWithTheSameSeed() {
    TrainingSettings settings =
        TrainingSettings.defaults()
            .withArchitecture(Architecture.MLP_V1)
            .withEpochs(2)
            .withMaxBatches(2)
            .withSeed(7);

    TrainingResult first = MnistTrainer.train(settings, SUBSET, ProgressListener.SILENT);
    TrainingResult second = MnistTrainer.train(settings, SUBSET, ProgressListener.SILENT);
    TrainingResult otherSeed =
        MnistTrainer.train(settings.withSeed(8), SUBSET, ProgressListener.SILENT);

    assertThat(second.version().getParametersSha256())
        .isEqualTo(first.version().getParametersSha256());
    assertThat(second.lastEpoch().trainLoss()).isEqualTo(first.lastEpoch().trainLoss());
    assertThat(otherSeed.version().getParametersSha256())
        .isNotEqualTo(first.version().getParametersSha256());
  }

  @Test
  void shouldReportValidationWhenAFractionIsHeldOut() throws Exception {
    TrainingData data =
        TrainingData.load(DatasetFiles.inDirectory(SubsetModels.subsetDir()), 0.2, 42L);
    TrainingSettings settings =
        TrainingSettings.defaults()
            .withArchitecture(Architecture.MLP_V1)
            .withEpochs(1)
            .withMaxBatches(3);

    TrainingResult result = MnistTrainer.train(settings, data, ProgressListener.SILENT);

    assertThat(data.train().count()).isEqualTo(2400);
    assertThat(data.validation()).get().extracting(d -> d.count()).isEqualTo(600);
    assertThat(result.lastEpoch().hasValidation()).isTrue();
    assertThat(result.lastEpoch().validationLoss()).isFinite();
    assertThat(result.metrics().getValidationAccuracy())
        .isEqualTo(result.lastEpoch().validationAccuracy());
  }

  @Test
  void shouldStoreTheStandardizedContractWhenStandardizing() {
    TrainingSettings settings =
        new TrainingSettings(Architecture.MLP_V1, 1, 64, 0.001f, 1L, 2L, 0.0, true, "mnist");

    TrainingResult result = MnistTrainer.train(settings, SUBSET, ProgressListener.SILENT);

    assertThat(result.version().getInputContract())
        .isEqualTo(
            InputContracts.standardized(InputContracts.MNIST_MEAN, InputContracts.MNIST_STD));
    assertThat(result.lastEpoch().trainLoss()).isFinite();
  }
}
