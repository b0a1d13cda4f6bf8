package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.schemas.ModelRollout;

class RolloutEditTest {
  private static final OptionalLong NONE = OptionalLong.empty();

  private static RolloutEdit edit(
      OptionalLong pin, boolean latest, OptionalLong canary, OptionalInt percent) {
    return new RolloutEdit(pin, latest, canary, percent, false, NONE, false);
  }

  private static final ModelRollout CURRENT =
      ModelRollout.newBuilder()
          .setModelName("mnist")
          .setActiveVersion(2L)
          .setCanaryVersion(3L)
          .setCanaryPercent(10)
          .setShadowVersion(4L)
          .setIssuedAt(Instant.EPOCH)
          .setIssuedBy("someone")
          .build();

  @Test
  void shouldKeepWhatTheEditDoesNotChange() {
    RolloutEdit percentOnly = edit(NONE, false, NONE, OptionalInt.of(50));

    ModelRollout next = percentOnly.applyTo(CURRENT, "mnist", Instant.EPOCH, "me", "more");

    assertThat(next.getActiveVersion()).isEqualTo(2L);
    assertThat(next.getCanaryVersion()).isEqualTo(3L);
    assertThat(next.getCanaryPercent()).isEqualTo(50);
    assertThat(next.getShadowVersion()).isEqualTo(4L);
    assertThat(next.getIssuedBy()).isEqualTo("me");
    assertThat(next.getReason()).isEqualTo("more");
  }

  @Test
  void shouldUnpinAndClearCanaryAndShadow() {
    RolloutEdit edit = new RolloutEdit(NONE, true, NONE, OptionalInt.empty(), true, NONE, true);

    ModelRollout next = edit.applyTo(CURRENT, "mnist", Instant.EPOCH, "me", null);

    assertThat(next.getActiveVersion()).isNull();
    assertThat(next.getCanaryVersion()).isNull();
    assertThat(next.getCanaryPercent()).isZero();
    assertThat(next.getShadowVersion()).isNull();
  }

  @Test
  void shouldStartFromNothingWithoutACurrentRollout() {
    ModelRollout next =
        edit(OptionalLong.of(7), false, NONE, OptionalInt.empty())
            .applyTo(null, "mnist", Instant.EPOCH, "me", null);

    assertThat(next.getActiveVersion()).isEqualTo(7L);
    assertThat(next.getCanaryVersion()).isNull();
  }

  @Test
  void shouldNameEveryContradiction() {
    assertThat(edit(OptionalLong.of(1), true, NONE, OptionalInt.empty()).problems())
        .singleElement()
        .asString()
        .contains("--pin and --latest");
    assertThat(edit(NONE, false, OptionalLong.of(3), OptionalInt.empty()).problems())
        .containsExactly("--canary needs --percent");
    assertThat(edit(NONE, false, OptionalLong.of(3), OptionalInt.of(101)).problems())
        .singleElement()
        .asString()
        .contains("0..100");
    assertThat(edit(NONE, false, NONE, OptionalInt.empty()).problems())
        .singleElement()
        .asString()
        .contains("nothing to change");
  }

  @Test
  void shouldNeedACanaryToChangeOnlyThePercentage() {
    RolloutEdit percentOnly = edit(NONE, false, NONE, OptionalInt.of(20));

    assertThat(percentOnly.problems()).isEmpty();
    assertThat(percentOnly.problemsWith(null)).isNotEmpty();
    assertThat(percentOnly.problemsWith(CURRENT)).isEmpty();
  }

  @Test
  void shouldDescribeARolloutOnOneLine() {
    assertThat(RolloutEdit.describe(CURRENT))
        .startsWith("active=v2 (pinned), canary=v3 at 10%, shadow=v4, issued");
    assertThat(RolloutEdit.describe(null)).contains("newest valid");
  }

  @Test
  void shouldEndAJudgedRolloutWithAManualEdit() {
    ModelRollout judged =
        JudgedRollouts.forStage(
            "mnist",
            RolloutPolicies.defaultPolicy(),
            3,
            2,
            1,
            Instant.EPOCH,
            50,
            JudgedRollouts.JUDGE,
            "promoted");
    assertThat(JudgedRollouts.isJudged(judged)).isTrue();

    ModelRollout next =
        edit(NONE, false, NONE, OptionalInt.of(20))
            .applyTo(judged, "mnist", Instant.EPOCH, "ops", "hold it at 20");

    assertThat(JudgedRollouts.isJudged(next)).isFalse();
    assertThat(next.getPolicy()).isNull();
    assertThat(next.getCandidateVersion()).isNull();
    assertThat(next.getBaselineVersion()).isNull();
    assertThat(next.getStage()).isNull();
    assertThat(next.getStageStartedAt()).isNull();
    assertThat(next.getPairedPercent()).isNull();
    // the routes it had are kept, only the judging ends
    assertThat(next.getActiveVersion()).isEqualTo(2L);
    assertThat(next.getCanaryVersion()).isEqualTo(3L);
    assertThat(next.getCanaryPercent()).isEqualTo(20);
  }

  @Test
  void shouldDescribeTheStageOfAJudgedRollout() {
    ModelRollout judged =
        JudgedRollouts.forStage(
            "mnist", RolloutPolicies.defaultPolicy(), 3, 2, 0, Instant.EPOCH, null, "ops", null);

    assertThat(RolloutEdit.describe(judged))
        .startsWith(
            "active=v2 (pinned), canary=none, shadow=v3, judging v3 against v2 at stage 0"
                + " (shadow), issued");
  }
}
