package org.mniststream.app.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ModelRollout;

class RoutingPlanTest {
  private static final NavigableSet<Long> V123 = new TreeSet<>(List.of(1L, 2L, 3L));

  private static ModelRollout rollout(Long pin, Long canary, int percent, Long shadow) {
    return ModelRollout.newBuilder()
        .setModelName("mnist")
        .setActiveVersion(pin)
        .setCanaryVersion(canary)
        .setCanaryPercent(percent)
        .setShadowVersion(shadow)
        .setIssuedAt(Instant.EPOCH)
        .setIssuedBy("test")
        .build();
  }

  private static ModelRollout paired(Long canary, int percent, Integer pairedPercent) {
    ModelRollout r = rollout(1L, canary, percent, null);
    r.setPairedPercent(pairedPercent);
    return r;
  }

  private static RoutingPlan decide(ModelRollout r) {
    return RoutingPlan.decide(V123, Map.of(4L, "SHA256_MISMATCH"), r).orElseThrow();
  }

  @Test
  void shouldServeNothingWithoutAValidVersion() {
    assertThat(RoutingPlan.decide(new TreeSet<>(), Map.of(1L, "UNSIGNED"), null)).isEmpty();
  }

  @Test
  void shouldMakeTheNewestValidVersionActiveWithoutARollout() {
    RoutingPlan plan = decide(null);

    assertThat(plan.active()).isEqualTo(3);
    assertThat(plan.canary()).isNull();
    assertThat(plan.shadow()).isNull();
    assertThat(plan.notes()).isEmpty();
    assertThat(plan.versions()).containsExactly(3L);
  }

  @Test
  void shouldPinAValidVersionAndKeepTheLatestLoaded() {
    RoutingPlan plan = decide(rollout(1L, null, 0, null));

    assertThat(plan.active()).isEqualTo(1);
    assertThat(plan.versions()).containsExactly(1L, 3L);
  }

  @Test
  void shouldFallBackToTheLatestWhenThePinnedVersionWasRefused() {
    RoutingPlan plan = decide(rollout(4L, null, 0, null));

    assertThat(plan.active()).isEqualTo(3);
    assertThat(plan.notes()).singleElement().asString().contains("4").contains("SHA256_MISMATCH");
  }

  @Test
  void shouldFallBackToTheLatestWhenThePinnedVersionIsNotKnownYet() {
    RoutingPlan plan = decide(rollout(7L, null, 0, null));

    assertThat(plan.active()).isEqualTo(3);
    assertThat(plan.notes()).singleElement().asString().contains("not (yet)");
  }

  @Test
  void shouldRouteACanaryWithItsPercentage() {
    RoutingPlan plan = decide(rollout(2L, 3L, 15, null));

    assertThat(plan.active()).isEqualTo(2);
    assertThat(plan.canary()).isEqualTo(3);
    assertThat(plan.canaryPercent()).isEqualTo(15);
    assertThat(plan.versions()).containsExactlyInAnyOrder(2L, 3L);
  }

  @Test
  void shouldDropACanaryThatIsTheActiveVersionOrHasNoShareOrIsUnavailable() {
    assertThat(decide(rollout(null, 3L, 10, null)).canary()).isNull();
    assertThat(decide(rollout(1L, 3L, 0, null)).canary()).isNull();
    assertThat(decide(rollout(1L, 9L, 10, null)).canary()).isNull();
    assertThat(decide(rollout(1L, 9L, 10, null)).notes()).anyMatch(n -> n.contains("canary"));
  }

  @Test
  void shouldClampTheCanaryPercentage() {
    RoutingPlan plan = decide(rollout(1L, 2L, 250, null));

    assertThat(plan.canaryPercent()).isEqualTo(100);
    assertThat(plan.notes()).anyMatch(n -> n.contains("clamped"));
  }

  @Test
  void shouldPairTheCanaryWithTheAppDefaultUnlessTheRolloutSaysOtherwise() {
    NavigableSet<Long> valid = V123;

    assertThat(decide(rollout(1L, 2L, 10, null)).pairedPercent()).isEqualTo(100);
    assertThat(RoutingPlan.decide(valid, Map.of(), paired(2L, 10, null), 25).orElseThrow())
        .extracting(RoutingPlan::pairedPercent)
        .isEqualTo(25);
    assertThat(RoutingPlan.decide(valid, Map.of(), paired(2L, 10, 60), 25).orElseThrow())
        .extracting(RoutingPlan::pairedPercent)
        .isEqualTo(60);
    assertThat(RoutingPlan.decide(valid, Map.of(), paired(2L, 10, 0), 25).orElseThrow())
        .extracting(RoutingPlan::pairedPercent)
        .isEqualTo(0);
  }

  @Test
  void shouldClampThePairedPercentAndSaySo() {
    RoutingPlan high = decide(paired(2L, 10, 150));
    RoutingPlan low = decide(paired(2L, 10, -3));

    assertThat(high.pairedPercent()).isEqualTo(100);
    assertThat(high.notes()).containsExactly("paired percent 150 clamped to 100");
    assertThat(low.pairedPercent()).isZero();
    assertThat(low.notes()).containsExactly("paired percent -3 clamped to 0");
  }

  @Test
  void shouldPairNothingWithoutACanary() {
    assertThat(decide(paired(null, 0, 50)).pairedPercent()).isZero();
    assertThat(decide(paired(1L, 10, 50)).pairedPercent()).isZero(); // the canary is the active
    assertThat(decide(paired(1L, 10, 50)).notes()).noneMatch(n -> n.contains("paired"));
  }

  @Test
  void shouldTellRoutesApartByTheirPairedPercent() {
    assertThat(decide(paired(2L, 10, 50)).sameRoutes(decide(paired(2L, 10, 50)))).isTrue();
    assertThat(decide(paired(2L, 10, 50)).sameRoutes(decide(paired(2L, 10, 60)))).isFalse();
  }

  @Test
  void shouldAddAValidShadowAndIgnoreAnUnavailableOne() {
    assertThat(decide(rollout(null, null, 0, 1L)).shadow()).isEqualTo(1);
    assertThat(decide(rollout(null, null, 0, 1L)).versions()).containsExactlyInAnyOrder(3L, 1L);
    assertThat(decide(rollout(null, null, 0, 4L)).shadow()).isNull();
  }

  @Test
  void shouldCompareRoutesIgnoringNotes() {
    RoutingPlan a = decide(rollout(7L, null, 0, null));
    RoutingPlan b = decide(null);

    assertThat(a.sameRoutes(b)).isTrue();
    assertThat(a.sameRoutes(decide(rollout(1L, null, 0, null)))).isFalse();
    assertThat(a.sameRoutes(null)).isFalse();
  }
}
