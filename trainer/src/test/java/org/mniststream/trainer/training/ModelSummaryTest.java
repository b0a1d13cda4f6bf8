package org.mniststream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mniststream.model.Architecture;
import org.mniststream.model.InputContracts;
import org.mniststream.model.ModelVersions;

class ModelSummaryTest {
  @Test
  void shouldListTheCnnLayersWithShapesAndTheSeedsParameterCount() {
    try (Model model =
        ModelVersions.newInitialized(Architecture.CNN_V1, InputContracts.scaledToUnit(), 1L)) {
      ModelSummary summary =
          ModelSummary.of(Architecture.CNN_V1, model.getBlock(), InputContracts.scaledToUnit());

      assertThat(summary.totalParameters()).isEqualTo(225_034L);
      assertThat(summary.inputShape()).containsExactly(1L, 28L, 28L);
      assertThat(summary.layers())
          .extracting(ModelSummary.Layer::parameters)
          .containsExactly(320L, 0L, 0L, 18_496L, 0L, 0L, 0L, 204_928L, 0L, 1_290L);
      assertThat(summary.layers())
          .extracting(ModelSummary.Layer::outputShape)
          .containsExactly(
              List.of(32L, 26L, 26L),
              List.of(32L, 13L, 13L),
              List.of(32L, 13L, 13L),
              List.of(64L, 11L, 11L),
              List.of(64L, 5L, 5L),
              List.of(64L, 5L, 5L),
              List.of(1600L),
              List.of(128L),
              List.of(128L),
              List.of(10L));
      assertThat(summary.format()).contains("Total params: 225,034").contains("Conv2d");
    }
  }

  @Test
  void shouldCountTheMlpParameters() {
    try (Model model =
        ModelVersions.newInitialized(Architecture.MLP_V1, InputContracts.scaledToUnit(), 1L)) {
      ModelSummary summary =
          ModelSummary.of(Architecture.MLP_V1, model.getBlock(), InputContracts.scaledToUnit());

      assertThat(summary.totalParameters()).isEqualTo(109_386L);
      assertThat(summary.layers().get(summary.layers().size() - 1).outputShape())
          .containsExactly(10L);
    }
  }
}
