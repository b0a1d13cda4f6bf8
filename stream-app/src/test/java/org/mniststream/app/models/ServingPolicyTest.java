package org.mniststream.app.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ServingPolicyTest {

  @Test
  void shouldBlockVersionsOfARevokedKeyAndBelowTheFloorOnly() {
    ServingPolicy policy = ServingPolicy.NONE.withFloor(2).revoke("b", "leaked");
    Map<Long, List<String>> signers =
        Map.of(1L, List.of("a"), 2L, List.of("a"), 3L, List.of("b"), 4L, List.of("a", "b"));

    ServingPolicy.Split split = policy.split(new TreeSet<>(List.of(1L, 2L, 3L, 4L)), signers::get);

    assertThat(split.eligible()).containsExactly(2L);
    assertThat(split.blocked())
        .containsExactly(
            entry(1L, "below the floor model.min-version=2"),
            entry(3L, "signed by revoked key b (leaked)"),
            entry(4L, "signed by revoked key b (leaked)"));
  }

  @Test
  void shouldServeAgainOnceTheKeyIsReinstated() {
    ServingPolicy policy = ServingPolicy.NONE.revoke("b", "").reinstate("b");

    assertThat(policy.blocks(3, List.of("b"))).isEmpty();
    assertThat(policy).isEqualTo(ServingPolicy.NONE);
  }

  @Test
  void shouldSayNoReasonWhenTheOperatorGaveNone() {
    assertThat(ServingPolicy.NONE.revoke("b", null).blocks(1, List.of("b")))
        .contains("signed by revoked key b");
  }
}
