package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mniststream.app.JudgingRecords.T0;
import static org.mniststream.app.JudgingRecords.comparison;
import static org.mniststream.app.JudgingRecords.decision;
import static org.mniststream.app.JudgingRecords.report;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.QualityReport;

class JudgingListingTest {
  private static final QualityReport V2_SHADOW =
      report(
          "mnist",
          2,
          "SHADOW",
          4311,
          0.9712,
          0.966,
          0.9756,
          List.of(comparison(1, 4311, 20, 25, 0.41, 0.0012, -0.001, 0.0034)));

  private static String printed(Consumer<PrintWriter> print) {
    StringWriter s = new StringWriter();
    print.accept(new PrintWriter(s, true));
    return s.toString();
  }

  private static JudgingListing listing(
      boolean qualityExists, List<QualityReport> reports, boolean decisionsExist) {
    return new JudgingListing(
        "mnist.quality",
        qualityExists,
        reports,
        "mnist.rollout-decisions",
        decisionsExist,
        List.of(
            decision("mnist", 2, 0, "shadow", "PROMOTE", "canary-10", "not-worse", 5),
            decision("mnist", 2, 1, "canary-10", "ROLLBACK", null, "worse", 9)),
        0);
  }

  @Test
  void shouldWriteAPairedComparisonAsTheOperatorReadsIt() {
    assertThat(JudgingListing.comparison(V2_SHADOW, V2_SHADOW.getComparisons().get(0)))
        .isEqualTo(
            "v2 (SHADOW) vs v1 (ACTIVE) on 4,311 same events: +0.12 pts [-0.10, +0.34],"
                + " McNemar p=0.41 (only v2 right: 25, only v1 right: 20)");
    assertThat(JudgingListing.pValue(0.00012)).isEqualTo("1.2e-04");
  }

  @Test
  void shouldListEachVersionsQualityPerRouteWithItsComparisons() {
    QualityReport v1 = report("mnist", 1, "ACTIVE", 12_000, 0.97, 0.967, 0.973, List.of());

    String out = printed(w -> listing(true, List.of(v1, V2_SHADOW), true).printQuality(w, "mnist"));

    assertThat(out.lines())
        .containsExactly(
            "Live quality on mnist.quality (since each version started):",
            "VERSION  ROUTE      LABELLED ACCURACY [95 %]              MEAN_CONF  CAL_ERR  P50_MS"
                + "  P99_MS",
            "v1       ACTIVE       12,000 97.00 % [96.70, 97.30]           0.962    0.011      12"
                + "      80",
            "v2       SHADOW        4,311 97.12 % [96.60, 97.56]           0.962    0.011      12"
                + "      80",
            "  v2 (SHADOW) vs v1 (ACTIVE) on 4,311 same events: +0.12 pts [-0.10, +0.34],"
                + " McNemar p=0.41 (only v2 right: 25, only v1 right: 20)");
  }

  @Test
  void shouldSayInOneLineWhenTheQualityTopicIsMissingOrHasNothing() {
    assertThat(printed(w -> listing(false, List.of(), true).printQuality(w, "mnist")).lines())
        .singleElement()
        .asString()
        .startsWith("Live quality: mnist.quality does not exist");
    assertThat(printed(w -> listing(true, List.of(), true).printQuality(w, "mnist")).lines())
        .singleElement()
        .asString()
        .startsWith("Live quality: nothing for mnist on mnist.quality yet");
  }

  @Test
  void shouldListTheDecisionsOldestFirst() {
    String out = printed(w -> listing(true, List.of(), true).printDecisions(w, "mnist"));

    assertThat(out.lines())
        .containsExactly(
            "Decisions on mnist.rollout-decisions (oldest first):",
            "DECIDED_AT               CANDIDATE STAGE        ACTION                RULE         "
                + " REASON",
            "2026-11-30T10:05:00Z     v2        shadow       PROMOTE to canary-10  not-worse    "
                + " not-worse after 5 min",
            "2026-11-30T10:09:00Z     v2        canary-10    ROLLBACK              worse        "
                + " worse after 9 min");
  }

  @Test
  void shouldSayInOneLineWhenTheDecisionsTopicIsMissingOrEmpty() {
    JudgingListing none =
        new JudgingListing("q", true, List.of(), "mnist.rollout-decisions", true, List.of(), 0);
    assertThat(printed(w -> none.printDecisions(w, "mnist")))
        .isEqualTo("Decisions: none for mnist on mnist.rollout-decisions.\n");
    assertThat(printed(w -> listing(true, List.of(), false).printDecisions(w, "mnist")).lines())
        .singleElement()
        .asString()
        .startsWith("Decisions: mnist.rollout-decisions does not exist");
  }

  @Test
  void shouldShowTheStageOfAJudgedRollout() {
    ModelRollout judged =
        JudgedRollouts.forStage(
            "mnist", RolloutPolicies.defaultPolicy(), 3, 2, 1, T0, 50, JudgedRollouts.JUDGE, null);

    String out =
        printed(w -> JudgingListing.printStage(w, judged, T0.plus(Duration.ofMinutes(12))));

    assertThat(out.lines())
        .containsExactly(
            "Judged rollout: v3 against baseline v2, stage 1 of 4: canary-10(CANARY 10%, 500"
                + " pairs, 30m), since 2026-11-30T10:00:00Z (12m ago); paired 50%",
            "Policy: shadow(SHADOW, 1000 pairs, 30m) > canary-10(CANARY 10%, 500 pairs, 30m) >"
                + " canary-50(CANARY 50%, 1000 pairs, 30m) > active(ACTIVE); max drop 1.00 pts,"
                + " alpha 0.05, p99 +500 ms, on timeout ROLLBACK");
    assertThat(printed(w -> JudgingListing.printStage(w, null, T0)))
        .isEqualTo("Judged rollout: none.\n");
  }

  @Test
  void shouldWriteHowLongAgoAtAGlance() {
    assertThat(
            List.of(
                Duration.ofSeconds(45),
                Duration.ofMinutes(12),
                Duration.ofMinutes(185),
                Duration.ofHours(52)))
        .map(JudgingListing::ago)
        .containsExactly("45s", "12m", "3h05m", "2d04h");
  }
}
