package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.config.AppConfig;
import org.mniststream.app.config.AppSettings;
import org.mniststream.app.config.WarmUpSettings;
import org.mniststream.app.models.ModelLease;
import org.mniststream.app.models.ModelRegistry;
import org.mniststream.app.ops.AppMetrics;
import org.mniststream.app.ops.AppStats;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.topology.StreamTopics;
import org.mniststream.model.LoadedModel;
import org.mniststream.model.ModelVerifier;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;

class HotPathWarmUpTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private ModelRegistry registry;

  @AfterEach
  void close() {
    registry.close();
  }

  private Properties config(Path stateDir) {
    return AppConfig.load(
        Optional.empty(),
        Map.of(),
        Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG,
            "warmup-test",
            StreamsConfig.STATE_DIR_CONFIG,
            stateDir.toString()));
  }

  private HotPathWarmUp.Result warmUp(Properties config, int events, Duration maxTime) {
    AppSettings settings = AppSettings.from(config);
    registry =
        ModelRegistry.synchronous(
            settings.modelName(),
            new ModelVerifier(List.of()),
            new AppMetrics(meters),
            Clock.systemUTC());
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    return HotPathWarmUp.run(
        config,
        StreamTopics.from(TopicNames.from(config), ValueCodecs.of(ValueFormats.from(config))),
        registry,
        settings,
        new WarmUpSettings(true, 0, events, maxTime),
        Clock.systemUTC());
  }

  @Test
  void shouldClassifyEverySyntheticEventWithoutTouchingTheAppsMetersOrItsModels() throws Exception {
    Path stateDir = Files.createTempDirectory("warmup-test");
    LoadedModel v1;

    HotPathWarmUp.Result result = warmUp(config(stateDir), 500, Duration.ofMinutes(1));

    assertThat(result.events()).isEqualTo(500);
    assertThat(result.predictions()).isEqualTo(500);
    assertThat(AppStats.of(meters).eventsIn()).isZero();
    assertThat(AppStats.of(meters).predictionsByRoute()).isEmpty();
    try (ModelLease lease = registry.acquire().orElseThrow()) {
      v1 = lease.routing().active();
      assertThat(v1.version()).isEqualTo(1);
    }
    assertThat(v1.isFreed()).as("the warm-up released every lease it took").isFalse();
    try (Stream<Path> left = Files.list(stateDir)) {
      assertThat(left).as("the warm-up's state is not in the app's state.dir").isEmpty();
    }
  }

  @Test
  void shouldStopAtItsTimeLimit() throws Exception {
    HotPathWarmUp.Result result =
        warmUp(config(Files.createTempDirectory("warmup-test")), 1_000_000, Duration.ofMillis(1));

    assertThat(result.events()).isLessThan(1_000_000);
    assertThat(result.predictions()).isEqualTo(result.events());
  }
}
