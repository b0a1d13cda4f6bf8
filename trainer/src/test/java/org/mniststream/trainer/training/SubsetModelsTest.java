package org.mniststream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.model.Architecture;
import org.mniststream.model.ModelVersions;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.evaluation.ModelEvaluator;
import org.mniststream.trainer.publishing.SavedModel;

/** The fixtures other modules rely on keep their promise: real accuracy on the subset. */
class SubsetModelsTest {
  @TempDir Path root;

  @Test
  void shouldProvideSubsetModelsAboveNinetyPercentThatServeTheSameAccuracy() throws Exception {
    for (ModelVersion model :
        new ModelVersion[] {SubsetModels.subsetMlp(), SubsetModels.subsetCnn()}) {
      assertThat(model.getMetrics().getTestAccuracy())
          .as(model.getArchitecture())
          .isGreaterThan(0.9);
      assertThat(model.getVersion()).isZero();
      assertThat(MnistTrainer.evaluate(model, SubsetModels.subsetData().test()))
          .isEqualTo(model.getMetrics());
    }
  }

  @Test
  void shouldServeTheCachedModelUnderTargetWithoutRetraining() throws Exception {
    Path first = SubsetModels.subsetMlpDir();
    FileTime written = Files.getLastModifiedTime(first.resolve(SavedModel.PARAMETERS_FILE));

    Path second = SubsetModels.subsetMlpDir();

    assertThat(second).isEqualTo(first);
    assertThat(first.toString()).contains("target");
    assertThat(Files.getLastModifiedTime(second.resolve(SavedModel.PARAMETERS_FILE)))
        .isEqualTo(written);
  }

  @Test
  void shouldTrainOnlyOnTheFirstCallForTheSameKey() {
    TrainedModelCache cache = new TrainedModelCache(root);
    TrainingSettings settings =
        TrainingSettings.defaults().withArchitecture(Architecture.MLP_V1).withEpochs(1);
    AtomicInteger trainings = new AtomicInteger();
    ModelVersion untrained = ModelVersions.untrained("m", 0, Architecture.MLP_V1, 7);
    Supplier<ModelVersion> train =
        () -> {
          trainings.incrementAndGet();
          return untrained;
        };

    Path first = cache.get(settings, "data", train);
    Path second = cache.get(settings, "data", train);
    Path otherSettings = cache.get(settings.withEpochs(2), "data", train);

    assertThat(second).isEqualTo(first);
    assertThat(SavedModel.exists(first)).isTrue();
    assertThat(otherSettings).isNotEqualTo(first);
    assertThat(trainings).hasValue(2);
  }

  @Test
  void shouldKeyByTrainingCodeAsWellAsSettingsAndData() {
    TrainingSettings settings = TrainingSettings.defaults();
    String code = TrainedModelCache.codeFingerprint(TrainedModelCache.TRAINING_CODE);

    assertThat(TrainedModelCache.codeFingerprint(TrainedModelCache.TRAINING_CODE))
        .isEqualTo(code)
        .hasSize(64);
    assertThat(TrainedModelCache.codeFingerprint(List.of(ModelEvaluator.class)))
        .isNotEqualTo(TrainedModelCache.codeFingerprint(List.of(MnistTrainer.class)));
    assertThat(TrainedModelCache.key(settings, "data", code))
        .isEqualTo(TrainedModelCache.key(settings, "data", code))
        .isNotEqualTo(TrainedModelCache.key(settings, "data", "other code"))
        .isNotEqualTo(TrainedModelCache.key(settings, "other data", code))
        .isNotEqualTo(TrainedModelCache.key(settings.withEpochs(11), "data", code));
  }
}
