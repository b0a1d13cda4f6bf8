package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.mniststream.dashboard.TestRecords.T0;
import static org.mniststream.dashboard.TestRecords.heartbeat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.InstanceHeartbeat;

class FleetTest {
  private static final java.time.Instant NOW = T0.plusSeconds(3600);
  private static final java.time.Instant ROLLOUT = NOW.minusSeconds(30);

  @Test
  void shouldShowLiveInstancesThenRecentlyDeadOnesWithHowLongTheyHaveBeenSilent() {
    // Given two live instances, one dead for a minute, one dead for longer than shown
    List<InstanceHeartbeat> live =
        List.of(
            heartbeat("a", NOW.minusSeconds(1), null, null).build(),
            heartbeat("b", NOW.minusSeconds(2), null, null).build());
    List<InstanceHeartbeat> dead =
        List.of(
            heartbeat("c", NOW.minusSeconds(60), null, null).build(),
            heartbeat("d", NOW.minus(Fleet.DEAD_SHOWN_FOR).minusSeconds(1), null, null).build());

    // When
    Fleet.Snapshot fleet = Fleet.snapshot(live, dead, 3, NOW);

    // Then
    assertThat(fleet.instances())
        .extracting(Fleet.Member::instanceId, Fleet.Member::live, Fleet.Member::silentForMs)
        .containsExactly(
            tuple("a", true, 1000L), tuple("b", true, 2000L), tuple("c", false, 60_000L));
    assertThat(fleet.undecodable()).isEqualTo(3);
    assertThat(fleet.rollout()).isNull();
  }

  @Test
  void shouldCopyWhatAnInstanceServesAndItsConvergence() {
    InstanceHeartbeat h =
        heartbeat("a", NOW, ROLLOUT, ROLLOUT.plusMillis(850))
            .setCanaryVersion(3L)
            .setCanaryPercent(10)
            .setShadowVersion(4L)
            .setLastRefusal("mnist/0000000005 SHA256_MISMATCH")
            .build();

    Fleet.Member m = Fleet.snapshot(List.of(h), List.of(), 0, NOW).instances().get(0);

    assertThat(m)
        .isEqualTo(
            new Fleet.Member(
                "a",
                "mnist-stream",
                "mnist",
                "http://a:8080",
                true,
                "RUNNING",
                NOW.minusSeconds(60).toEpochMilli(),
                NOW.toEpochMilli(),
                0,
                2000,
                List.of(0, 1),
                2L,
                3L,
                10,
                4L,
                41.25,
                0.0,
                0.0,
                7L,
                "mnist/0000000005 SHA256_MISMATCH",
                "version 2 published",
                ROLLOUT.toEpochMilli(),
                ROLLOUT.plusMillis(850).toEpochMilli(),
                850L));
  }

  @Test
  void shouldTakeTheSlowestInstanceOnTheNewestRecordAsTheRolloutsConvergence() {
    // Given instances on the newest rollout record, one still on an older one (its convergence
    // was slower, and must not count), and one that read its routes at start-up
    List<InstanceHeartbeat> live =
        List.of(
            heartbeat("a", NOW, ROLLOUT, ROLLOUT.plusMillis(120)).build(),
            heartbeat("b", NOW, ROLLOUT, ROLLOUT.plusMillis(900)).build(),
            heartbeat("c", NOW, ROLLOUT.minusSeconds(600), ROLLOUT.minusSeconds(500)).build(),
            heartbeat("d", NOW, null, NOW.minusSeconds(5)).build());

    // When
    Fleet.Convergence rollout = Fleet.convergence(live);

    // Then
    assertThat(rollout).isEqualTo(new Fleet.Convergence(ROLLOUT.toEpochMilli(), 900, 2));
    assertThat(Fleet.snapshot(live, List.of(), 0, NOW).instances())
        .extracting(Fleet.Member::instanceId, Fleet.Member::convergenceMs)
        .containsExactly(
            tuple("a", 120L), tuple("b", 900L), tuple("c", 100_000L), tuple("d", null));
  }

  @Test
  void shouldLeaveDeadInstancesOutOfTheRolloutsConvergence() {
    List<InstanceHeartbeat> dead =
        List.of(heartbeat("gone", NOW.minusSeconds(20), ROLLOUT, ROLLOUT.plusMillis(5)).build());

    assertThat(Fleet.snapshot(List.of(), dead, 0, NOW).rollout()).isNull();
  }
}
