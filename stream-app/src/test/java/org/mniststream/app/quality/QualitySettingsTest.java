package org.mniststream.app.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.mniststream.app.config.AppConfig;

class QualitySettingsTest {

  @Test
  void shouldDefaultToOffWithADayOfLatenessAndHourlyWindows() {
    QualitySettings settings = QualitySettings.from(new Properties());
    assertThat(settings).isEqualTo(QualitySettings.DEFAULTS);
    assertThat(settings.enabled()).isFalse();
    assertThat(settings.lateness()).isEqualTo(Duration.ofHours(24));
    assertThat(settings.window()).isEqualTo(Duration.ofHours(1));
    assertThat(settings.retention()).isEqualTo(Duration.ofHours(48));
  }

  @Test
  void shouldReadTheLayeredConfigurationEnvironmentIncluded() {
    Properties config =
        AppConfig.load(
            Optional.empty(),
            Map.of("MNIST_QUALITY_LATENESS_MS", "60000"),
            Map.of("quality.enabled", "true", "quality.window-ms", "300000"));

    assertThat(QualitySettings.from(config))
        .isEqualTo(
            new QualitySettings(
                true, Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMillis(250)));
  }

  @Test
  void shouldRefuseWhatItCannotUse() {
    Properties config = new Properties();
    config.setProperty("quality.window-ms", "0");
    assertThatThrownBy(() -> QualitySettings.from(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quality.window-ms must be >= 1, got 0");
    config.setProperty("quality.window-ms", "1000");
    config.setProperty("quality.enabled", "yes");
    assertThatThrownBy(() -> QualitySettings.from(config))
        .hasMessage("quality.enabled must be true or false, got yes");
    config.setProperty("quality.enabled", "false");
    config.setProperty("quality.lateness-ms", "a day");
    assertThatThrownBy(() -> QualitySettings.from(config))
        .hasMessage("quality.lateness-ms must be a number of milliseconds: a day");
  }
}
