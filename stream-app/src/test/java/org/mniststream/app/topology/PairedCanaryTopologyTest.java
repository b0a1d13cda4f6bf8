package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.models.CanarySplit;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.testing.TopologyHarness;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.Route;

/**
 * The paired canary: the active version also scores a sample of the canary's events (by event id),
 * as BASELINE predictions on the shadow topic only, so the quality app compares the two versions on
 * the same events.
 */
class PairedCanaryTopologyTest {
  private TopologyHarness app;

  @AfterEach
  void closeDriver() {
    if (app != null) {
      app.close();
    }
  }

  /** Versions 1 (active) and 2 (canary at {@code canaryPercent}). */
  private void start(Map<String, String> config, int canaryPercent, Integer pairedPercent)
      throws Exception {
    app = TopologyHarness.start(config);
    app.publishModel(1, TestModelRecords.mlp(1));
    app.publishModel(2, TestModelRecords.mlp(2));
    app.rollout(rollout(canaryPercent, pairedPercent));
  }

  @Test
  void shouldScoreEveryCanaryEventWithTheActiveVersionTooOnTheShadowTopicOnly() throws Exception {
    // Given a 30 % canary and the default canary.paired-percent (100)
    start(Map.of(), 30, null);

    // When 300 events are classified
    send(300, "p-");
    app.flush();

    // Then the predictions topic has one ACTIVE or CANARY prediction per event, no BASELINE
    List<TestRecord<byte[], Prediction>> served = app.drainPredictions();
    assertThat(served).hasSize(300);
    assertThat(served).extracting(r -> r.value().getRoute()).doesNotContain(Route.BASELINE);
    Map<String, TestRecord<byte[], Prediction>> canary =
        served.stream()
            .filter(r -> r.value().getRoute() == Route.CANARY)
            .collect(Collectors.toMap(r -> r.value().getEventId(), Function.identity()));
    assertThat(canary).hasSizeBetween(60, 120);

    // and the shadow topic exactly one BASELINE prediction of the active version per canary event,
    // with the canary prediction's key, timestamp and processedAt
    List<TestRecord<byte[], Prediction>> baseline = app.shadowPredictions.readRecordsToList();
    assertThat(baseline)
        .extracting(r -> r.value().getEventId())
        .containsExactlyInAnyOrderElementsOf(canary.keySet());
    for (TestRecord<byte[], Prediction> b : baseline) {
      TestRecord<byte[], Prediction> c = canary.get(b.value().getEventId());
      assertThat(b.value().getRoute()).isEqualTo(Route.BASELINE);
      assertThat(b.value().getModelVersion()).isEqualTo(1L);
      assertThat(b.key()).isEqualTo(c.key());
      assertThat(b.timestamp()).isEqualTo(c.timestamp());
      assertThat(b.value().getProcessedAt()).isEqualTo(c.value().getProcessedAt());
      assertThat(b.value().getEventTime()).isEqualTo(c.value().getEventTime());
    }
    assertThat(app.counter("mnist.predictions", "route", "BASELINE", "version", "1"))
        .isEqualTo(canary.size());
    assertThat(app.counter("mnist.events.in")).isEqualTo(300);
    assertThat(app.registry.status().notes()).isEmpty();
    assertThat(app.registry.status().pairedPercent()).isEqualTo(100);
  }

  @Test
  void shouldScoreNoCanaryEventTwiceWithAPairedPercentOfZero() throws Exception {
    // Given the app's default set to 0 and a rollout that leaves it
    start(Map.of("canary.paired-percent", "0"), 50, null);

    send(100, "z-");
    app.flush();

    assertThat(app.drainPredictions())
        .extracting(r -> r.value().getRoute())
        .hasSize(100)
        .contains(Route.CANARY);
    assertThat(app.shadowPredictions.isEmpty()).isTrue();
    assertThat(app.counter("mnist.predictions", "route", "BASELINE", "version", "1")).isZero();
  }

  @Test
  void shouldSampleAboutHalfTheCanaryAndTheSameEventsWhenTheyAreReplayed() throws Exception {
    // Given a 40 % canary whose rollout pairs 50 %, over the app's default of 100
    start(Map.of(), 40, 50);

    // When 1,000 events are classified, then delivered again
    send(1_000, "h-");
    app.flush();
    Set<String> canary = canaryIds(app.drainPredictions());
    Set<String> first = baselineIds(app.shadowPredictions.readValuesToList());
    send(1_000, "h-");
    app.flush();
    Set<String> canaryAgain = canaryIds(app.drainPredictions());
    Set<String> again = baselineIds(app.shadowPredictions.readValuesToList());

    // Then about half the canary's events are paired, the ones whose id samples them
    assertThat(canary).hasSizeBetween(330, 470);
    assertThat(canary).containsAll(first);
    assertThat(first.size()).isBetween(canary.size() / 2 - 50, canary.size() / 2 + 50);
    assertThat(first)
        .isEqualTo(
            canary.stream().filter(id -> CanarySplit.isPaired(id, 50)).collect(Collectors.toSet()));
    // and a replay pairs the very same events
    assertThat(canaryAgain).isEqualTo(canary);
    assertThat(again).isEqualTo(first);
    assertThat(app.registry.status().pairedPercent()).isEqualTo(50);
  }

  @Test
  void shouldAddTheBaselineToTheShadowVersionsPredictions() throws Exception {
    // Given a 50 % canary (version 2) and a shadow (version 3)
    app = TopologyHarness.start();
    app.publishModel(1, TestModelRecords.mlp(1));
    app.publishModel(2, TestModelRecords.mlp(2));
    app.publishModel(3, TestModelRecords.mlp(3));
    ModelRollout r = ContractSerdes.modelRollout().decode(rollout(50, null));
    r.setShadowVersion(3L);
    app.rollout(ContractSerdes.modelRollout().encode(r));

    send(100, "s-");
    app.flush();

    Set<String> canary = canaryIds(app.drainPredictions());
    List<Prediction> shadowTopic = app.shadowPredictions.readValuesToList();
    assertThat(shadowTopic.stream().filter(p -> p.getRoute() == Route.SHADOW))
        .hasSize(100)
        .allMatch(p -> p.getModelVersion() == 3L);
    assertThat(baselineIds(shadowTopic)).isEqualTo(canary);
    assertThat(app.counter("mnist.predictions", "route", "SHADOW", "version", "3")).isEqualTo(100);
  }

  private void send(int events, String prefix) {
    for (int i = 0; i < events; i++) {
      // keyed by the event id, as the producers do
      app.send(prefix + i, TestEvents.raw28(prefix + i, null));
    }
  }

  private static Set<String> canaryIds(List<TestRecord<byte[], Prediction>> served) {
    assertThat(served).extracting(r -> r.value().getRoute()).doesNotContain(Route.BASELINE);
    return served.stream()
        .filter(r -> r.value().getRoute() == Route.CANARY)
        .map(r -> r.value().getEventId())
        .collect(Collectors.toSet());
  }

  private static Set<String> baselineIds(List<Prediction> shadowTopic) {
    List<Prediction> baseline =
        shadowTopic.stream().filter(p -> p.getRoute() == Route.BASELINE).toList();
    assertThat(baseline).allMatch(p -> p.getModelVersion() == 1L);
    Set<String> ids = baseline.stream().map(Prediction::getEventId).collect(Collectors.toSet());
    assertThat(ids).as("one BASELINE prediction per event").hasSameSizeAs(baseline);
    return ids;
  }

  private static byte[] rollout(int canaryPercent, Integer pairedPercent) {
    ModelRollout r =
        ContractSerdes.modelRollout().decode(TestEvents.rollout(1L, 2L, canaryPercent, null));
    r.setPairedPercent(pairedPercent);
    return ContractSerdes.modelRollout().encode(r);
  }
}
