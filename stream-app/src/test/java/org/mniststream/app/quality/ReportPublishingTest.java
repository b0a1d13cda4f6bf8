package org.mniststream.app.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.config.AppConfig;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.Route;
import org.mniststream.schemas.TopicNames;

/**
 * The quality topology with the default publish interval: the changes of an interval are applied at
 * once and each changed report is published once, and the latest report per key is still what the
 * offline recomputation gives.
 */
class ReportPublishingTest {
  private Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> predictions;
  private TestInputTopic<byte[], byte[]> shadowPredictions;
  private TestInputTopic<byte[], byte[]> labels;
  private TestOutputTopic<String, QualityReport> quality;

  @BeforeEach
  void start() throws Exception {
    stateDir = Files.createTempDirectory("report-publishing-test");
    Properties config =
        AppConfig.load(
            Optional.empty(),
            Map.of(),
            Map.of("application.id", "quality-test", "state.dir", stateDir.toString()));
    assertThat(QualitySettings.from(config).publishInterval()).isEqualTo(Duration.ofMillis(250));
    TopicNames names = TopicNames.from(config);
    driver =
        new TopologyTestDriver(
            QualityTopology.build(
                names,
                QualitySettings.from(config),
                Clock.systemUTC(),
                new QualityMetrics(new SimpleMeterRegistry())),
            QualityApp.streamsConfig(config));
    ByteArraySerializer bytes = new ByteArraySerializer();
    predictions = driver.createInputTopic(names.predictions(), bytes, bytes);
    shadowPredictions = driver.createInputTopic(names.shadowPredictions(), bytes, bytes);
    labels = driver.createInputTopic(names.labels(), bytes, bytes);
    quality =
        driver.createOutputTopic(
            names.quality(), new StringDeserializer(), ContractSerdes.qualityReport());
  }

  @AfterEach
  void close() {
    try {
      driver.close();
    } finally {
      FileUtils.deleteQuietly(stateDir.toFile());
    }
  }

  @Test
  void shouldPublishEachChangedReportOnceAnIntervalWithTheLatestFigures() {
    List<SpecificRecord> inputs = QualityScenario.inputs(42, 100);
    List<KeyValue<String, QualityReport>> everyChange =
        QualityRecompute.replay(QualitySettings.DEFAULTS, inputs);

    inputs.forEach(this::pipe);
    assertThat(quality.isEmpty()).as("nothing before the interval has passed").isTrue();
    driver.advanceWallClockTime(Duration.ofMillis(300));
    List<KeyValue<String, QualityReport>> published = quality.readKeyValuesToList();

    Map<String, QualityReport> expected = QualityRecompute.latest(everyChange);
    assertThat(published).hasSize(expected.size());
    assertThat(published.size()).isLessThan(everyChange.size() / 5);
    assertThat(QualityRecompute.latest(published)).isEqualTo(expected);

    // the next interval publishes only what changed in it
    pipe(QualityRecords.label("late-1", 3, "review", 0));
    driver.advanceWallClockTime(Duration.ofMillis(300));
    assertThat(quality.isEmpty()).as("a label of an unknown event changes no report").isTrue();
    pipe(inputs.get(0) instanceof Prediction p ? relabel(p) : inputs.get(0));
    driver.advanceWallClockTime(Duration.ofMillis(300));
    assertThat(quality.readKeyValuesToList()).isNotEmpty().hasSizeLessThanOrEqualTo(4);
  }

  /** A second, conflicting label for the event of {@code p}: its reports change. */
  private static LabelEvent relabel(Prediction p) {
    return QualityRecords.label(p.getEventId(), (p.getPredictedClass() + 1) % 10, "second", 1_000);
  }

  private void pipe(SpecificRecord input) {
    if (input instanceof LabelEvent l) {
      labels.pipeInput(key(l.getEventId()), ContractSerdes.labelEvent().encode(l));
    } else {
      Prediction p = (Prediction) input;
      (p.getRoute() == Route.SHADOW || p.getRoute() == Route.BASELINE
              ? shadowPredictions
              : predictions)
          .pipeInput(key("image-key-" + p.getEventId()), ContractSerdes.prediction().encode(p));
    }
  }

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
