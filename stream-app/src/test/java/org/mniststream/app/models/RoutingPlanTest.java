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
