package org.mniststream.app.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mniststream.app.quality.QualityRecords.HOUR;
import static org.mniststream.app.quality.QualityRecords.label;
import static org.mniststream.app.quality.QualityRecords.prediction;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.Route;

class QualityEngineTest {
  private static final String ACTIVE_ALL = "mnist/0000000001/ACTIVE/all";
  private static final String SHADOW_ALL = "mnist/0000000002/SHADOW/all";

  private static Map<String, QualityReport> latest(SpecificRecord... inputs) {
    return QualityRecompute.latest(
        QualityRecompute.replay(QualitySettings.DEFAULTS, List.of(inputs)));
  }

  @Test
  void shouldJoinALabelGivenBeforeOrAfterItsPrediction() {
    Map<String, QualityReport> reports =
        latest(
            prediction("after", 1, Route.ACTIVE, 7, 0.9f, 0),
            label("after", 7, "review", 2 * HOUR),
            label("before", 3, "review", 0),
            prediction("before", 1, Route.ACTIVE, 3, 0.9f, HOUR));

    QualityReport all = reports.get(ACTIVE_ALL);
    assertThat(all.getLabelled()).isEqualTo(2);
    assertThat(all.getCorrect()).isEqualTo(2);
    assertThat(reports)
        .containsOnlyKeys(
            ACTIVE_ALL,
            "mnist/0000000001/ACTIVE/PT1H@2026-11-30T10:00:00Z",
            "mnist/0000000001/ACTIVE/PT1H@2026-11-30T11:00:00Z");
  }

  @Test
  void shouldCountADuplicateLabelOnce() {
    QualityReport all =
        latest(
                prediction("e", 1, Route.ACTIVE, 7, 0.9f, 0, 7),
                label("e", 7, "review", 10),
                label("e", 7, "review", 10), // the same label again: a redelivery
                label("e", 7, "batch", 20))
            .get(ACTIVE_ALL);

    assertThat(all.getLabelled()).isEqualTo(1);
    assertThat(all.getCorrect()).isEqualTo(1);
    assertThat(all.getDuplicateLabels()).isEqualTo(2); // review and batch repeat the inline 7
    assertThat(all.getConflictingLabels()).isZero();
  }

  @Test
  void shouldLetTheLatestOfConflictingLabelsWinWhateverTheOrderTheyCameIn() {
    SpecificRecord p = prediction("e", 1, Route.ACTIVE, 5, 0.9f, 0);
    SpecificRecord early = label("e", 3, "review", 10);
    SpecificRecord late = label("e", 5, "batch", 20);

    QualityReport inOrder = latest(p, early, late).get(ACTIVE_ALL);
    QualityReport reversed = latest(late, early, p).get(ACTIVE_ALL);

    assertThat(inOrder).isEqualTo(reversed);
    assertThat(inOrder.getLabelled()).isEqualTo(1);
    assertThat(inOrder.getCorrect()).isEqualTo(1);
    assertThat(inOrder.getConfusion().get(5 * 10 + 5)).isEqualTo(1);
    assertThat(inOrder.getConfusion().stream().mapToLong(Long::longValue).sum()).isEqualTo(1);
    assertThat(inOrder.getConflictingLabels()).isEqualTo(1);
  }

  @Test
  void shouldCountALabelBeyondTheLatenessWithoutJoiningIt() {
    QualityReport all =
        latest(prediction("e", 1, Route.ACTIVE, 5, 0.9f, 0), label("e", 5, "batch", 25 * HOUR))
            .get(ACTIVE_ALL);

    assertThat(all.getLabelled()).isZero();
    assertThat(all.getLateLabels()).isEqualTo(1);
  }

  @Test
  void shouldCountTheLabelsOfAnEventThatNeverHadAPredictionOnceTheyExpire() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    QualityEngine engine =
        new QualityEngine(
            QualitySettings.DEFAULTS, QualityStore.inMemory(), new QualityMetrics(meters));

    assertThat(engine.onLabel(label("unknown", 4, "review", 0))).isEmpty();
    engine.onPrediction(prediction("other", 1, Route.ACTIVE, 5, 0.9f, 47 * HOUR));
    assertThat(meters.counter(QualityMetrics.UNMATCHED).count()).isZero();

    // twice the lateness (48 h) after the label, by the predictions' time
    engine.onPrediction(prediction("later", 1, Route.ACTIVE, 5, 0.9f, 48 * HOUR + 1));
    assertThat(meters.counter(QualityMetrics.UNMATCHED).count()).isEqualTo(1);
  }

  @Test
  void shouldExpireAnEventIndexedBeforeEveryEventTheEngineHasAlreadyScanned() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    QualityEngine engine =
        new QualityEngine(
            QualitySettings.DEFAULTS, QualityStore.inMemory(), new QualityMetrics(meters));
    // Given an engine whose expiry index starts at 10 h (it scanned it on this prediction)
    engine.onPrediction(prediction("first", 1, Route.ACTIVE, 5, 0.9f, 10 * HOUR));

    // When a label of another event comes with an earlier time, then predictions move on
    engine.onLabel(label("unknown", 4, "review", 0));
    engine.onPrediction(prediction("later", 1, Route.ACTIVE, 5, 0.9f, 48 * HOUR));
    assertThat(meters.counter(QualityMetrics.UNMATCHED).count()).isZero();
    engine.onPrediction(prediction("latest", 1, Route.ACTIVE, 5, 0.9f, 48 * HOUR + 1));

    // Then it expires 48 h after its label, not after the first event's time
    assertThat(meters.counter(QualityMetrics.UNMATCHED).count()).isEqualTo(1);
  }

  @Test
  void shouldMeasureAccuracyCalibrationAndLatency() {
    List<SpecificRecord> inputs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      inputs.add(prediction("e" + i, 1, Route.ACTIVE, 1, 0.95f, i));
      inputs.add(label("e" + i, i == 0 ? 2 : 1, "review", 100));
    }
    QualityReport all = latest(inputs.toArray(SpecificRecord[]::new)).get(ACTIVE_ALL);

    assertThat(all.getLabelled()).isEqualTo(4);
    assertThat(all.getAccuracy()).isEqualTo(0.75);
    assertThat(all.getAccuracyLow()).isEqualTo(Interval.wilson(3, 4).low());
    assertThat(all.getAccuracyHigh()).isEqualTo(Interval.wilson(3, 4).high());
    assertThat(all.getMeanConfidence()).isCloseTo(0.95, within(1e-6));
    // one bin, 0.9-1.0: accuracy 0.75 against confidence 0.95
    assertThat(all.getCalibrationError()).isCloseTo(0.2, within(1e-6));
    assertThat(all.getCalibration().get(9).getCount()).isEqualTo(4);
    assertThat(all.getConfusion().get(2 * 10 + 1)).isEqualTo(1);
    assertThat(all.getLatencyP50Ms()).isEqualTo(40);
    assertThat(all.getLatencyP99Ms()).isEqualTo(40);
    assertThat(all.getFirstPredictionAt()).isEqualTo(QualityRecords.T0);
  }

  @Test
  void shouldCompareTheShadowWithTheActiveVersionOnTheSameLabelledEvents() {
    List<SpecificRecord> inputs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String id = "e" + i;
      inputs.add(prediction(id, 1, Route.ACTIVE, i < 8 ? 4 : 9, 0.8f, i));
      inputs.add(prediction(id, 2, Route.SHADOW, 4, 0.9f, i));
      inputs.add(label(id, 4, "review", 100));
    }
    inputs.add(prediction("unlabelled", 1, Route.ACTIVE, 4, 0.8f, 11));
    inputs.add(prediction("unlabelled", 2, Route.SHADOW, 4, 0.9f, 11));
    Map<String, QualityReport> reports = latest(inputs.toArray(SpecificRecord[]::new));

    assertThat(reports.get(ACTIVE_ALL).getAccuracy()).isEqualTo(0.8);
    assertThat(reports.get(ACTIVE_ALL).getComparisons()).isEmpty();
    QualityReport shadow = reports.get(SHADOW_ALL);
    assertThat(shadow.getAccuracy()).isEqualTo(1.0);
    assertThat(shadow.getComparisons())
        .containsExactly(
            new PairedComparison(
                1L,
                "ACTIVE",
                10L,
                0L,
                2L,
                0.5,
                0.2,
                Interval.pairedDifference(0, 2, 10).low(),
                Interval.pairedDifference(0, 2, 10).high()));
  }

  @Test
  void shouldCompareTheCanaryWithTheActiveVersionsBaselineOnTheSameLabelledEvents() {
    List<SpecificRecord> inputs = new ArrayList<>();
    // 12 labelled canary events (version 3), 10 of them paired with version 1 as BASELINE:
    // on the paired ones the baseline alone is right on e0-e2 (b = 3), the canary alone on e3 (c =
    // 1), both on e4-e7, neither on e8-e9
    for (int i = 0; i < 12; i++) {
      String id = "e" + i;
      inputs.add(prediction(id, 3, Route.CANARY, i == 3 || (i >= 4 && i < 8) ? 4 : 5, 0.8f, i));
      if (i < 10) {
        inputs.add(prediction(id, 1, Route.BASELINE, i < 3 || (i >= 4 && i < 8) ? 4 : 6, 0.7f, i));
      }
      inputs.add(label(id, 4, "review", 100));
    }
    // active events are no pairs of the canary's, and a shadow is no pair of the baseline
    inputs.add(prediction("a", 1, Route.ACTIVE, 4, 0.8f, 20));
    inputs.add(prediction("a", 2, Route.SHADOW, 4, 0.8f, 20));
    inputs.add(prediction("e0", 2, Route.SHADOW, 4, 0.8f, 0));
    inputs.add(label("a", 4, "review", 100));
    Map<String, QualityReport> reports = latest(inputs.toArray(SpecificRecord[]::new));

    QualityReport canary = reports.get("mnist/0000000003/CANARY/all");
    assertThat(canary.getLabelled()).isEqualTo(12);
    assertThat(canary.getComparisons())
        .containsExactly(
            new PairedComparison(
                1L,
                "BASELINE",
                10L,
                3L,
                1L,
                McNemar.exactPValue(3, 1),
                -0.2,
                Interval.pairedDifference(3, 1, 10).low(),
                Interval.pairedDifference(3, 1, 10).high()));
    // the active version's own figures on the canary's sampled events, apart from what it serves
    assertThat(reports.get("mnist/0000000001/BASELINE/all").getLabelled()).isEqualTo(10);
    assertThat(reports.get("mnist/0000000001/BASELINE/all").getComparisons()).isEmpty();
    assertThat(reports.get(ACTIVE_ALL).getLabelled()).isEqualTo(1);
    assertThat(reports.get(SHADOW_ALL).getComparisons())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getBaselineRoute()).isEqualTo("ACTIVE");
              assertThat(c.getPairs()).isEqualTo(1);
            });
  }

  @Test
  void shouldAddUpTheDeltasOfEventsKeptInDifferentPartitions() {
    // Given the events split over two partitions, each with its own engine and store
    List<SpecificRecord> inputs = QualityScenario.inputs(3, 200);
    List<QualityEngine> partitions = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      partitions.add(
          new QualityEngine(
              QualitySettings.DEFAULTS, QualityStore.inMemory(), QualityMetrics.discarding()));
    }
    Map<String, QualityReport> reports = new TreeMap<>();
    ReportAggregator aggregator = new ReportAggregator(reports::get, reports::put);

    // When every delta of either goes to the one aggregator of its report
    for (SpecificRecord input : inputs) {
      String eventId =
          input instanceof Prediction p ? p.getEventId() : ((LabelEvent) input).getEventId();
      QualityEngine engine = partitions.get(Math.floorMod(eventId.hashCode(), 2));
      List<ReportDelta> deltas =
          input instanceof Prediction p
              ? engine.onPrediction(p)
              : engine.onLabel((LabelEvent) input);
      deltas.forEach(aggregator::apply);
    }

    // Then the reports are those of one engine that saw every event
    assertThat(reports).isEqualTo(latest(inputs.toArray(SpecificRecord[]::new)));
  }
}
