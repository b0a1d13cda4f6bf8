package org.mniststream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.publishing.SavedModel;

/** The fixtures other modules rely on keep their promise: real accuracy on the subset. */
class SubsetModelsTest {
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
  void shouldCacheTheTrainedModelsUnderTarget() {
    assertThat(SubsetModels.subsetMlpDir()).isEqualTo(SubsetModels.subsetMlpDir());
    assertThat(SavedModel.exists(SubsetModels.subsetMlpDir())).isTrue();
    assertThat(SubsetModels.subsetMlpDir().toString()).contains("target");
  }
}
