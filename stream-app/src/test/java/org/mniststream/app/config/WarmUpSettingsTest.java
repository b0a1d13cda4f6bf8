package org.mniststream.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class WarmUpSettingsTest {

  private static WarmUpSettings from(Map<String, String> flags) {
    return WarmUpSettings.from(AppConfig.load(Optional.empty(), Map.of(), flags));
  }

  @Test
  void shouldWarmModelsAndTheHotPathByDefault() {
    WarmUpSettings s = WarmUpSettings.from(new Properties());

    assertThat(s).isEqualTo(WarmUpSettings.DEFAULTS);
    assertThat(s.warmsModels()).isTrue();
    assertThat(s.warmsHotPath()).isTrue();
    assertThat(s.maxTime()).isLessThanOrEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void shouldSwitchBothOffWithOneKey() {
    WarmUpSettings s = from(Map.of("warmup.enabled", "false"));

    assertThat(s.warmsModels()).isFalse();
    assertThat(s.warmsHotPath()).isFalse();
  }

  @Test
  void shouldReadEveryKeyFromTheLayeredConfigurationIncludingTheEnvironmentSpelling() {
    WarmUpSettings s =
        WarmUpSettings.from(
            AppConfig.load(
                Optional.empty(),
                Map.of("MNIST_WARMUP_MAX_MS", "900", "MNIST_WARMUP_MODEL_ROUNDS", "0"),
                Map.of("warmup.events", "10")));

    assertThat(s).isEqualTo(new WarmUpSettings(true, 0, 10, Duration.ofMillis(900)));
    assertThat(s.warmsModels()).isFalse();
    assertThat(s.warmsHotPath()).isTrue();
  }

  @Test
  void shouldRefuseMalformedValuesByName() {
    assertThatThrownBy(() -> from(Map.of("warmup.enabled", "yes")))
        .hasMessageContaining("warmup.enabled must be true or false");
    assertThatThrownBy(() -> from(Map.of("warmup.events", "many")))
        .hasMessageContaining("warmup.events must be an integer");
    assertThatThrownBy(() -> from(Map.of("warmup.max-ms", "-1")))
        .hasMessageContaining("warmup.max-ms must be >= 0");
  }

  @Test
  void shouldWarmTheBatchSizesTheClassifierMakes() {
    assertThat(WarmUpSettings.batchSizes(64)).containsExactly(1, 8, 64);
    assertThat(WarmUpSettings.batchSizes(4)).containsExactly(1, 4);
    assertThat(WarmUpSettings.batchSizes(1)).containsExactly(1);
  }

  @Test
  void shouldBeDocumentedWithTheirDefaultsInTheReadmeSettingsTable() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
    WarmUpSettings d = WarmUpSettings.DEFAULTS;

    assertThat(readme)
        .contains("| `" + WarmUpSettings.ENABLED + "` | `" + d.enabled() + "` |")
        .contains("| `" + WarmUpSettings.MODEL_ROUNDS + "` | `" + d.modelRounds() + "` |")
        .contains("| `" + WarmUpSettings.EVENTS + "` | `" + d.events() + "` |")
        .contains("| `" + WarmUpSettings.MAX_MS + "` | `" + d.maxTime().toMillis() + "` |");
  }
}
