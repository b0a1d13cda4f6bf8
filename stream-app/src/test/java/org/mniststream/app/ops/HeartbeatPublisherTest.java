package org.mniststream.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mniststream.app.models.RegistryStatus;
import org.mniststream.schemas.InstanceHeartbeat;

class HeartbeatPublisherTest {
  private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");
  private static final HeartbeatPublisher.Identity ID =
      new HeartbeatPublisher.Identity(
          "vm-42",
          "mnist-stream",
          "mnist",
          "http://vm:8080",
          T.minusSeconds(60),
          Duration.ofSeconds(2));

  @Test
  void shouldReportRatesSinceThePreviousHeartbeatAndTheLastSwapAndRefusal() {
    RegistryStatus status =
        new RegistryStatus(
            "mnist",
            null,
            null,
            0,
            0,
            null,
            null,
            List.of(),
            T.minusMillis(500),
            List.of(),
            List.of(
                new RegistryStatus.Refusal("mnist/0000000003", 3L, "SHA256_MISMATCH", "bad", T)),
            List.of(
                new RegistryStatus.Swap(
                    T.minusMillis(500),
                    1L,
                    2L,
                    null,
                    0,
                    null,
                    "version 2 published",
                    T.minusMillis(620))));
    AppStats before = new AppStats(1_000, Map.of("ACTIVE", 990L), 10, 1, 32.0);
    AppStats now = new AppStats(3_000, Map.of("ACTIVE", 2_970L, "SHADOW", 10L), 30, 2, 32.0);

    InstanceHeartbeat h =
        HeartbeatPublisher.heartbeat(
            ID,
            status,
            new HeartbeatPublisher.StreamsView("RUNNING", List.of(0, 3), 17L),
            now,
            before,
            Duration.ofSeconds(2),
            T);

    assertThat(h.getEventsPerSecond()).isEqualTo(1_000.0);
    assertThat(h.getPredictionsPerSecond()).isEqualTo(995.0);
    assertThat(h.getDeadLettersPerSecond()).isEqualTo(10.0);
    assertThat(h.getPartitions()).containsExactly(0, 3);
    assertThat(h.getLag()).isEqualTo(17L);
    assertThat(h.getRoutingCause()).isEqualTo("version 2 published");
    assertThat(Duration.between(h.getRoutingRecordAt(), h.getRoutingAppliedAt()))
        .isEqualTo(Duration.ofMillis(120));
    assertThat(h.getLastRefusal()).isEqualTo("mnist/0000000003 SHA256_MISMATCH: bad");
    assertThat(h.getIntervalMs()).isEqualTo(2000);
  }

  @Test
  void shouldReportNoRateOnTheFirstHeartbeatAndNoVersionBeforeOneServes() {
    RegistryStatus empty =
        new RegistryStatus(
            "mnist", null, null, 0, 0, null, null, List.of(), null, List.of(), List.of(),
            List.of());
    InstanceHeartbeat h =
        HeartbeatPublisher.heartbeat(
            ID,
            empty,
            HeartbeatPublisher.StreamsView.STARTING,
            new AppStats(5, Map.of(), 0, 0, null),
            null,
            Duration.ZERO,
            T);

    assertThat(h.getEventsPerSecond()).isZero();
    assertThat(h.getActiveVersion()).isNull();
    assertThat(h.getStreamsState()).isEqualTo("STARTING");
    assertThat(h.getRoutingCause()).isNull();
  }
}
