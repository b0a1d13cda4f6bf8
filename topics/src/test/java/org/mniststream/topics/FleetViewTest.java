package org.mniststream.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.InstanceHeartbeat;

class FleetViewTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
  private final FleetView fleet = new FleetView();

  @Test
  void shouldKeepTheLastHeartbeatOfEachInstanceAndDropACleanShutdown() {
    fleet.apply(key("a"), beat("a", NOW.minusSeconds(3), 1L));
    fleet.apply(key("a"), beat("a", NOW.minusSeconds(1), 2L));
    fleet.apply(key("b"), beat("b", NOW.minusSeconds(1), 2L));
    fleet.apply(key("c"), beat("c", NOW.minusSeconds(1), 2L));
    fleet.apply(key("c"), null);

    assertThat(fleet.live(NOW))
        .extracting(InstanceHeartbeat::getInstanceId, InstanceHeartbeat::getActiveVersion)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", 2L),
            org.assertj.core.groups.Tuple.tuple("b", 2L));
    assertThat(fleet.dead(NOW)).isEmpty();
  }

  @Test
  void shouldTakeAnInstanceForDeadAfterThreeMissedIntervals() {
    fleet.apply(key("alive"), beat("alive", NOW.minusMillis(6_000), 1L)); // exactly 3 x 2 s
    fleet.apply(key("gone"), beat("gone", NOW.minusMillis(6_001), 1L));

    assertThat(fleet.live(NOW))
        .extracting(InstanceHeartbeat::getInstanceId)
        .containsExactly("alive");
    assertThat(fleet.dead(NOW))
        .extracting(InstanceHeartbeat::getInstanceId)
        .containsExactly("gone");
  }

  @Test
  void shouldCountRecordsThatAreNoHeartbeat() {
    fleet.apply(key("x"), new byte[] {1, 2, 3});

    assertThat(fleet.undecodable()).isEqualTo(1);
    assertThat(fleet.live(NOW)).isEmpty();
  }

  private static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] beat(String id, Instant sentAt, Long active) {
    return ContractSerdes.instanceHeartbeat()
        .encode(
            InstanceHeartbeat.newBuilder()
                .setInstanceId(id)
                .setApplicationId("mnist-stream")
                .setModelName("mnist")
                .setHttpAddress("http://127.0.0.1:8080")
                .setStartedAt(sentAt.minusSeconds(60))
                .setSentAt(sentAt)
                .setIntervalMs(2000)
                .setStreamsState("RUNNING")
                .setPartitions(List.of(0, 1))
                .setActiveVersion(active)
                .build());
  }
}
