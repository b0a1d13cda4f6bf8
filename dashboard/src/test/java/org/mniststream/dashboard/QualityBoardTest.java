package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.mniststream.dashboard.TestRecords.T0;
import static org.mniststream.dashboard.TestRecords.comparison;
import static org.mniststream.dashboard.TestRecords.decision;
import static org.mniststream.dashboard.TestRecords.judgedRollout;
import static org.mniststream.dashboard.TestRecords.qualityKey;
import static org.mniststream.dashboard.TestRecords.qualityReport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.json.JsonCodec;

class QualityBoardTest {
  private final QualityBoard board = new QualityBoard();

  private void report(QualityReport r) {
    board.quality(qualityKey(r), r);
  }

  private static ModelRollout.Builder manual() {
    return ModelRollout.newBuilder().setModelName("mnist").setIssuedAt(T0).setIssuedBy("ops");
  }

  @Test
  void shouldKeepTheLatestAllReportPerKeyNewestVersionFirstAndSkipWindowedOnes() {
    // Given reports of two versions on several routes, one republished, one of an hour window
    report(qualityReport(4, "ACTIVE", 100, 90).build());
    report(qualityReport(4, "ACTIVE", 200, 190).build());
    report(qualityReport(5, "SHADOW", 150, 148).build());
    report(qualityReport(5, "CANARY", 20, 19).build());
    report(qualityReport(4, "BASELINE", 20, 18).build());
    QualityReport hourly =
        qualityReport(5, "SHADOW", 7, 7)
            .setWindow("PT1H@2025-06-01T12:00:00Z")
            .setWindowStart(T0)
            .setWindowEnd(T0.plusSeconds(3600))
            .build();
    report(hourly);

    // When
    QualityBoard.Snapshot s = board.snapshot();

    // Then one row per version and route, the latest figures, the hourly report left out
    assertThat(s.reports())
        .extracting(
            QualityBoard.ReportRow::version,
            QualityBoard.ReportRow::route,
            QualityBoard.ReportRow::labelled,
            QualityBoard.ReportRow::correct)
        .containsExactly(
            tuple(5L, "CANARY", 20L, 19L),
            tuple(5L, "SHADOW", 150L, 148L),
            tuple(4L, "ACTIVE", 200L, 190L),
            tuple(4L, "BASELINE", 20L, 18L));
    assertThat(s.windowedSkipped()).isEqualTo(1);
    QualityBoard.ReportRow active = s.reports().get(2);
    assertThat(active.accuracy()).isEqualTo(0.95);
    assertThat(active.accuracyLow()).isEqualTo(0.945);
    assertThat(active.accuracyHigh()).isEqualTo(0.955);
    assertThat(active.calibrationError()).isEqualTo(0.012);
    assertThat(active.latencyP99Ms()).isEqualTo(42);
  }

  @Test
  void shouldForgetAReportOrARolloutOnItsTombstone() {
    QualityReport r = qualityReport(4, "ACTIVE", 100, 90).build();
    report(r);
    board.rollout("mnist", manual().setActiveVersion(4L).build());

    board.quality(qualityKey(r), null);
    board.rollout("mnist", null);

    assertThat(board.snapshot().reports()).isEmpty();
    assertThat(board.snapshot().rollouts()).isEmpty();
  }

  @Test
  void shouldShowTheJudgedCandidatesStageAndItsComparisonAgainstItsBaseline() {
    // Given v5 judged against v4 in stage 1 (canary-10), compared with v3 and with v4
    board.rollout("mnist", judgedRollout(5, 4, 0, T0));
    board.rollout("mnist", judgedRollout(5, 4, 1, T0.plusSeconds(600)));
    report(
        qualityReport(
                5,
                "CANARY",
                900,
                890,
                comparison(3, 500, 1, 9, 0.04),
                comparison(4, 800, 6, 2, 0.29))
            .build());
    report(qualityReport(5, "SHADOW", 3000, 2990, comparison(4, 3000, 1, 1, 1.0)).build());

    // When
    QualityBoard.RolloutRow row = board.snapshot().rollouts().get(0);

    // Then the latest rollout, its stage, and the canary's comparison with v4
    assertThat(row.judged()).isTrue();
    assertThat(row.candidateVersion()).isEqualTo(5);
    assertThat(row.baselineVersion()).isEqualTo(4);
    assertThat(row.stage()).isEqualTo(1);
    assertThat(row.stageStartedAt()).isEqualTo(T0.plusSeconds(600).toEpochMilli());
    assertThat(row.stages())
        .extracting(QualityBoard.Stage::name, QualityBoard.Stage::route)
        .containsExactly(
            tuple("shadow", "SHADOW"),
            tuple("canary-10", "CANARY"),
            tuple("canary-50", "CANARY"),
            tuple("active", "ACTIVE"));
    assertThat(row.activeVersion()).isEqualTo(4);
    assertThat(row.canaryVersion()).isEqualTo(5);
    assertThat(row.canaryPercent()).isEqualTo(10);
    assertThat(row.issuedBy()).isEqualTo("judge");
    assertThat(row.maxAccuracyDrop()).isEqualTo(0.01);
    assertThat(row.challenger())
        .isEqualTo(
            new QualityBoard.Challenger(
                5,
                "CANARY",
                4L,
                900L,
                890 / 900.0,
                new QualityBoard.Comparison(4, "ACTIVE", 800, 6, 2, 0.29, -0.005, -0.009, -0.001)));
  }

  @Test
  void shouldTakeTheCanaryOfAManualRolloutAsChallengerAgainstThePinnedActive() {
    board.rollout(
        "mnist",
        manual()
            .setActiveVersion(4L)
            .setCanaryVersion(6L)
            .setCanaryPercent(25)
            .setShadowVersion(7L)
            .build());
    report(qualityReport(6, "CANARY", 50, 49, comparison(4, 40, 0, 1, 1.0)).build());

    QualityBoard.RolloutRow row = board.snapshot().rollouts().get(0);

    assertThat(row.judged()).isFalse();
    assertThat(row.stage()).isNull();
    assertThat(row.stages()).isEmpty();
    assertThat(row.challenger().version()).isEqualTo(6);
    assertThat(row.challenger().route()).isEqualTo("CANARY");
    assertThat(row.challenger().baselineVersion()).isEqualTo(4);
    assertThat(row.challenger().comparison().pairs()).isEqualTo(40);
  }

  @Test
  void shouldCompareAShadowWithTheBaselineOfMostPairsWhenNoVersionIsPinned() {
    board.rollout("mnist", manual().setShadowVersion(7L).build());
    report(
        qualityReport(
                7,
                "SHADOW",
                900,
                880,
                comparison(5, 100, 2, 2, 1.0),
                comparison(6, 700, 9, 4, 0.26))
            .build());

    QualityBoard.Challenger c = board.snapshot().rollouts().get(0).challenger();

    assertThat(c.route()).isEqualTo("SHADOW");
    assertThat(c.baselineVersion()).isEqualTo(6);
    assertThat(c.comparison().pairs()).isEqualTo(700);
  }

  @Test
  void shouldSayTheChallengerHasNoFiguresBeforeItsFirstReport() {
    board.rollout("mnist", manual().setActiveVersion(4L).setShadowVersion(7L).build());
    board.rollout("other", manual().setModelName("other").setActiveVersion(1L).build());

    assertThat(board.snapshot().rollouts())
        .extracting(QualityBoard.RolloutRow::model, QualityBoard.RolloutRow::challenger)
        .containsExactly(
            tuple("mnist", new QualityBoard.Challenger(7, "SHADOW", 4L, null, null, null)),
            tuple("other", null));
  }

  @Test
  void shouldListTheLastDecisionsNewestFirstOnceEach() {
    // Given 60 decisions, one second apart, then a redelivery of the last one
    IntStream.range(0, 60)
        .forEach(i -> board.decision(decision(i, "PROMOTE", "d" + i, T0.plusSeconds(i))));
    board.decision(decision(59, "PROMOTE", "d59", T0.plusSeconds(59)));

    // Then the newest 50, newest first, the redelivery shown once
    assertThat(board.snapshot().decisions())
        .extracting(QualityBoard.DecisionRow::reason)
        .containsExactlyElementsOf(
            IntStream.iterate(59, i -> i >= 10, i -> i - 1).mapToObj(i -> "d" + i).toList());
  }

  @Test
  void shouldCutAnOverlongReasonAndCountUndecodableRecordsByTopic() {
    board.decision(decision(0, "ROLLBACK", "x".repeat(5000), T0));
    board.undecodable("mnist.quality");
    board.undecodable("mnist.quality");
    board.undecodable("mnist.rollout-decisions");

    QualityBoard.Snapshot s = board.snapshot();

    assertThat(s.decisions().get(0).reason()).hasSize(400).endsWith("…");
    assertThat(s.undecodable())
        .containsExactly(
            java.util.Map.entry("mnist.quality", 2L),
            java.util.Map.entry("mnist.rollout-decisions", 1L));
  }

  /** The JSON the page reads, pinned: a rename here is a change of the page's contract. */
  @Test
  void shouldWriteTheShapeThePageReads() throws Exception {
    board.rollout("mnist", judgedRollout(5, 4, 0, T0));
    report(qualityReport(5, "SHADOW", 1000, 990, comparison(4, 1000, 2, 6, 0.29)).build());
    board.decision(decision(0, "PROMOTE", "v5 <b>not worse</b> than v4", T0.plusSeconds(90)));

    JsonNode json = AggregatesTest.json(board.snapshot());

    assertThat(json)
        .isEqualTo(
            JsonCodec.readTree(
                """
                {"reports": [{"model": "mnist", "version": 5, "route": "SHADOW",
                  "labelled": 1000, "correct": 990, "accuracy": 0.99, "accuracyLow": 0.985,
                  "accuracyHigh": 0.995, "meanConfidence": 0.97, "calibrationError": 0.012,
                  "latencyP50Ms": 18, "latencyP99Ms": 42, "lastLabelAt": 1748779260000,
                  "lateLabels": 0,
                  "comparisons": [{"baselineVersion": 4, "baselineRoute": "ACTIVE", "pairs": 1000,
                    "baselineOnlyCorrect": 2, "challengerOnlyCorrect": 6, "pValue": 0.29,
                    "difference": 0.004, "differenceLow": 0.0, "differenceHigh": 0.008}]}],
                 "rollouts": [{"model": "mnist", "judged": true, "activeVersion": 4,
                  "canaryVersion": null, "canaryPercent": 0, "shadowVersion": 5,
                  "issuedAt": 1748779200000, "issuedBy": "judge", "reason": "stage 0",
                  "candidateVersion": 5, "baselineVersion": 4, "stage": 0,
                  "stageStartedAt": 1748779200000,
                  "stages": [
                    {"name": "shadow", "route": "SHADOW", "percent": 0, "minLabelled": 1000,
                     "timeoutMs": 1800000},
                    {"name": "canary-10", "route": "CANARY", "percent": 10, "minLabelled": 500,
                     "timeoutMs": 1800000},
                    {"name": "canary-50", "route": "CANARY", "percent": 50, "minLabelled": 1000,
                     "timeoutMs": 1800000},
                    {"name": "active", "route": "ACTIVE", "percent": 100, "minLabelled": 0,
                     "timeoutMs": 0}],
                  "maxAccuracyDrop": 0.01, "alpha": 0.05, "maxP99IncreaseMs": 500,
                  "onTimeout": "ROLLBACK",
                  "challenger": {"version": 5, "route": "SHADOW", "baselineVersion": 4,
                    "labelled": 1000, "accuracy": 0.99,
                    "comparison": {"baselineVersion": 4, "baselineRoute": "ACTIVE", "pairs": 1000,
                      "baselineOnlyCorrect": 2, "challengerOnlyCorrect": 6, "pValue": 0.29,
                      "difference": 0.004, "differenceLow": 0.0, "differenceHigh": 0.008}}}],
                 "decisions": [{"decisionId": "mnist/0000000005/0/1748779200000", "model": "mnist",
                  "candidateVersion": 5, "baselineVersion": 4, "stage": 0, "stageName": "shadow",
                  "route": "SHADOW", "action": "PROMOTE", "nextStage": 1,
                  "nextStageName": "canary-10", "rule": "not-worse",
                  "reason": "v5 <b>not worse</b> than v4", "decidedAt": 1748779290000,
                  "stageStartedAt": 1748779200000, "labelled": 1200, "pairs": 1100,
                  "difference": 0.005454545454545455, "evidenceWorse": 0.02,
                  "evidenceNotWorse": 57.5, "threshold": 40.0, "candidateP99Ms": null,
                  "baselineP99Ms": null}],
                 "windowedSkipped": 0, "undecodable": {}}
                """));
  }
}
