package org.mniststream.app.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.Route;
import org.mniststream.schemas.TopicNames;

/**
 * The production quality topology, with the production config (every change published, {@code
 * quality.publish-interval-ms=0}; {@link ReportPublishingTest} covers the interval), on a
 * TopologyTestDriver. The driver commits after every record, and a commit flushes the RocksDB
 * stores: the scenarios stay small.
 */
class QualityTopologyTest {
  private Path stateDir;
  private TopologyTestDriver driver;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TestInputTopic<byte[], byte[]> predictions;
  private TestInputTopic<byte[], byte[]> shadowPredictions;
  private TestInputTopic<byte[], byte[]> labels;
  private TestOutputTopic<String, QualityReport> quality;
  private TestOutputTopic<byte[], DeadLetter> deadLetters;

  @BeforeEach
  void start() throws Exception {
    stateDir = Files.createTempDirectory("quality-topology-test");
    Properties config =
        AppConfig.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                "application.id",
                "quality-test",
                "state.dir",
                stateDir.toString(),
                // every change published: the sequence is compared with the offline replay
                QualitySettings.PUBLISH_INTERVAL_MS,
                "0"));
    TopicNames names = TopicNames.from(config);
    driver =
        new TopologyTestDriver(
            QualityTopology.build(
                names, QualitySettings.from(config), Clock.systemUTC(), new QualityMetrics(meters)),
            QualityApp.streamsConfig(config));
    ByteArraySerializer bytes = new ByteArraySerializer();
    predictions = driver.createInputTopic(names.predictions(), bytes, bytes);
    shadowPredictions = driver.createInputTopic(names.shadowPredictions(), bytes, bytes);
    labels = driver.createInputTopic(names.labels(), bytes, bytes);
    quality =
        driver.createOutputTopic(
            names.quality(), new StringDeserializer(), ContractSerdes.qualityReport());
    deadLetters =
        driver.createOutputTopic(
            names.deadLetters(), new ByteArrayDeserializer(), ContractSerdes.deadLetter());
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
  void shouldPublishExactlyWhatTheOfflineRecomputationGivesForTheSameRecords() {
    List<SpecificRecord> inputs = QualityScenario.inputs(42, 100);

    inputs.forEach(this::pipe);
    List<KeyValue<String, QualityReport>> published = quality.readKeyValuesToList();

    assertThat(published)
        .containsExactlyElementsOf(QualityRecompute.replay(QualitySettings.DEFAULTS, inputs));
    assertThat(QualityRecompute.latest(published))
        .containsKeys(
            "mnist/0000000001/ACTIVE/all",
            "mnist/0000000002/SHADOW/all",
            "mnist/0000000003/CANARY/all",
            "mnist/0000000001/ACTIVE/PT1H@2026-11-30T12:00:00Z");
    QualityReport shadow = QualityRecompute.latest(published).get("mnist/0000000002/SHADOW/all");
    assertThat(shadow.getComparisons()).hasSize(1);
    assertThat(shadow.getComparisons().get(0).getPairs()).isGreaterThan(30);
    assertThat(shadow.getDuplicateLabels()).isPositive();
    assertThat(shadow.getConflictingLabels()).isPositive();
    assertThat(shadow.getLateLabels()).isPositive();
    QualityReport canary = QualityRecompute.latest(published).get("mnist/0000000003/CANARY/all");
    assertThat(canary.getComparisons())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getBaselineVersion()).isEqualTo(1);
              assertThat(c.getBaselineRoute()).isEqualTo("BASELINE");
              assertThat(c.getPairs()).isPositive().isLessThanOrEqualTo(canary.getLabelled());
            });
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldGiveTheSameLatestReportsWhateverOrderTheRecordsAreRecomputedIn() {
    List<SpecificRecord> inputs = QualityScenario.inputs(7, 60);
    inputs.forEach(this::pipe);
    Map<String, QualityReport> published = QualityRecompute.latest(quality.readKeyValuesToList());

    List<SpecificRecord> shuffled = new ArrayList<>(inputs);
    Collections.shuffle(shuffled, new Random(1));
    List<SpecificRecord> labelsFirst = new ArrayList<>(inputs);
    labelsFirst.sort((a, b) -> Boolean.compare(a instanceof Prediction, b instanceof Prediction));

    assertThat(QualityRecompute.latest(QualityRecompute.replay(QualitySettings.DEFAULTS, shuffled)))
        .isEqualTo(published);
    assertThat(
            QualityRecompute.latest(QualityRecompute.replay(QualitySettings.DEFAULTS, labelsFirst)))
        .isEqualTo(published);
  }

  @Test
  void shouldDeadLetterWhatItCannotReadAndCountNothingOfIt() {
    labels.pipeInput(
        key("e-1"),
        ContractSerdes.labelEvent().encode(QualityRecords.label("e-1", 12, "review", 0)));
    predictions.pipeInput(key("e-2"), new byte[] {1, 2, 3});
    labels.pipeInput(
        key("e-3"), ContractSerdes.labelEvent().encode(QualityRecords.label("", 1, "review", 0)));

    assertThat(deadLetters.readValuesToList())
        .extracting(DeadLetter::getReason, DeadLetter::getEventId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(DeadLetterReason.INVALID_LABEL, "e-1"),
            org.assertj.core.groups.Tuple.tuple(DeadLetterReason.UNDECODABLE, null),
            org.assertj.core.groups.Tuple.tuple(DeadLetterReason.MISSING_KEY, null));
    assertThat(quality.isEmpty()).isTrue();
    assertThat(meters.find(QualityMetrics.INVALID).counters()).hasSize(3);
  }

  @Test
  void shouldJoinAPredictionWhoseImageKeyIsNotItsEventId() {
    Prediction p = QualityRecords.prediction("e-1", 1, Route.ACTIVE, 4, 0.9f, 0);
    predictions.pipeInput(key("some-ordering-key"), ContractSerdes.prediction().encode(p));
    labels.pipeInput(
        key("e-1"), ContractSerdes.labelEvent().encode(QualityRecords.label("e-1", 4, "r", 5)));

    Map<String, QualityReport> latest = QualityRecompute.latest(quality.readKeyValuesToList());
    assertThat(latest.get("mnist/0000000001/ACTIVE/all").getCorrect()).isEqualTo(1);
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
