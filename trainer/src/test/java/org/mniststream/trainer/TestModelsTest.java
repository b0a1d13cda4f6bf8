package org.mniststream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ModelVersion;

/** The fixtures other modules rely on keep their promise: real accuracy on the subset. */
class TestModelsTest {
  @Test
  void shouldProvideSubsetModelsAboveNinetyPercentThatServeTheSameAccuracy() throws Exception {
    for (ModelVersion model : new ModelVersion[] {TestModels.subsetMlp(), TestModels.subsetCnn()}) {
      assertThat(model.getMetrics().getTestAccuracy())
          .as(model.getArchitecture())
          .isGreaterThan(0.9);
      assertThat(model.getVersion()).isZero();
      assertThat(MnistTrainer.evaluate(model, TestModels.subsetData().test()))
          .isEqualTo(model.getMetrics());
    }
  }

  @Test
  void shouldCacheTheTrainedModelsUnderTarget() {
    assertThat(TestModels.subsetMlpDir()).isEqualTo(TestModels.subsetMlpDir());
    assertThat(SavedModel.exists(TestModels.subsetMlpDir())).isTrue();
    assertThat(TestModels.subsetMlpDir().toString()).contains("target");
  }
}
