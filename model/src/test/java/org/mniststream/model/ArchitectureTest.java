package org.mniststream.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  @Test
  void shouldHaveTheSeedCnnParameterCount() {
    try (Model model =
        ModelVersions.newInitialized(Architecture.CNN_V1, InputContracts.scaledToUnit(), 1)) {
      assertThat(ModelVersions.parameterCount(model.getBlock())).isEqualTo(225_034L);
    }
  }

  @Test
  void shouldHaveTheSeedMlpParameterCount() {
    try (Model model =
        ModelVersions.newInitialized(Architecture.MLP_V1, InputContracts.scaledToUnit(), 1)) {
      assertThat(ModelVersions.parameterCount(model.getBlock())).isEqualTo(109_386L);
    }
  }

  @Test
  void shouldResolveIdsAndCliNames() {
    assertThat(Architecture.byId("cnn")).contains(Architecture.CNN_V1);
    assertThat(Architecture.byId("cnn-v1")).contains(Architecture.CNN_V1);
    assertThat(Architecture.byId("mlp")).contains(Architecture.MLP_V1);
    assertThat(Architecture.byId("resnet")).isEmpty();
    assertThat(Architecture.byId(null)).isEmpty();
  }

  @Test
  void shouldGiveTheSameWeightsForTheSameSeed() {
    assertThat(ModelVersions.untrained("m", 1, Architecture.CNN_V1, 7).getParametersSha256())
        .isEqualTo(ModelVersions.untrained("m", 1, Architecture.CNN_V1, 7).getParametersSha256())
        .isNotEqualTo(
            ModelVersions.untrained("m", 1, Architecture.CNN_V1, 8).getParametersSha256());
  }
}
