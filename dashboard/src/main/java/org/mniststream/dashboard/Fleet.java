package org.mniststream.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.mniststream.schemas.InstanceHeartbeat;
import org.mniststream.topics.FleetView;

/**
 * The fleet panel's rows, made from the heartbeats a {@link FleetView} folded: pure functions of
 * the heartbeats and the time, no Kafka.
 */
final class Fleet {
  /**
   * How long an instance that stopped beating stays on the page. Long enough to notice a crash and
   * read its last figures; past it, a dead instance would only crowd out the live ones.
   */
  static final Duration DEAD_SHOWN_FOR = Duration.ofMinutes(10);

  private Fleet() {}

  /**
   * The fleet as the page shows it.
   *
   * @param instances the live instances by id, then the dead ones shown by id
   * @param rollout the convergence of the latest rollout, null before any instance knows when the
   *     record that made its routes was written
   * @param undecodable records of the instances topic that were not heartbeats
   */
  record Snapshot(List<Member> instances, Convergence rollout, long undecodable) {}

  /**
   * One instance, from its last heartbeat.
   *
   * @param live false when it missed {@value FleetView#MISSED_BEATS} beats without a clean shutdown
   * @param silentForMs time since its last heartbeat was sent, by this dashboard's clock
   * @param convergenceMs how long after the record that made its current routes it started serving
   *     them; null when either time is unknown
   */
  record Member(
      String instanceId,
      String applicationId,
      String modelName,
      String httpAddress,
      boolean live,
      String streamsState,
      long startedAt,
      long sentAt,
      long silentForMs,
      int intervalMs,
      List<Integer> partitions,
      Long activeVersion,
      Long canaryVersion,
      int canaryPercent,
      Long shadowVersion,
      double eventsPerSecond,
      double predictionsPerSecond,
      double deadLettersPerSecond,
      Long lag,
      String lastRefusal,
      String routingCause,
      Long routingRecordAt,
      Long routingAppliedAt,
      Long convergenceMs) {}

  /**
   * The latest rollout as the fleet applied it.
   *
   * @param recordAt the newest {@code routingRecordAt} of the live instances
   * @param convergenceMs the slowest of them to apply it: the fleet serves the new routes
   *     everywhere this long after the record
   * @param instances how many live instances serve routes made by that record
   */
  record Convergence(long recordAt, long convergenceMs, int instances) {}

  /**
   * The snapshot at {@code now} of the {@code live} and {@code dead} instances of a {@link
   * FleetView}; dead ones silent for longer than {@link #DEAD_SHOWN_FOR} are left out.
   */
  static Snapshot snapshot(
      List<InstanceHeartbeat> live, List<InstanceHeartbeat> dead, long undecodable, Instant now) {
    List<Member> members = new ArrayList<>();
    live.forEach(h -> members.add(member(h, true, now)));
    for (InstanceHeartbeat h : dead) {
      if (Duration.between(h.getSentAt(), now).compareTo(DEAD_SHOWN_FOR) <= 0) {
        members.add(member(h, false, now));
      }
    }
    return new Snapshot(List.copyOf(members), convergence(live), undecodable);
  }

  /**
   * Max over the instances whose routes come from the newest record of {@code appliedAt -
   * recordAt}: an instance still on an older record, or that read the record at start-up (no {@code
   * recordAt}), does not count.
   */
  static Convergence convergence(List<InstanceHeartbeat> instances) {
    Instant newest = null;
    for (InstanceHeartbeat h : instances) {
      if (h.getRoutingRecordAt() != null
          && h.getRoutingAppliedAt() != null
          && (newest == null || h.getRoutingRecordAt().isAfter(newest))) {
        newest = h.getRoutingRecordAt();
      }
    }
    if (newest == null) {
      return null;
    }
    long slowest = Long.MIN_VALUE;
    int count = 0;
    for (InstanceHeartbeat h : instances) {
      Long ms = convergenceMs(h);
      if (ms != null && newest.equals(h.getRoutingRecordAt())) {
        slowest = Math.max(slowest, ms);
        count++;
      }
    }
    return new Convergence(newest.toEpochMilli(), slowest, count);
  }

  /** {@code routingAppliedAt - routingRecordAt}, null when either is unknown. */
  static Long convergenceMs(InstanceHeartbeat h) {
    if (h.getRoutingRecordAt() == null || h.getRoutingAppliedAt() == null) {
      return null;
    }
    return Duration.between(h.getRoutingRecordAt(), h.getRoutingAppliedAt()).toMillis();
  }

  private static Member member(InstanceHeartbeat h, boolean live, Instant now) {
    return new Member(
        h.getInstanceId(),
        h.getApplicationId(),
        h.getModelName(),
        h.getHttpAddress(),
        live,
        h.getStreamsState(),
        h.getStartedAt().toEpochMilli(),
        h.getSentAt().toEpochMilli(),
        Math.max(0, Duration.between(h.getSentAt(), now).toMillis()),
        h.getIntervalMs(),
        List.copyOf(h.getPartitions()),
        h.getActiveVersion(),
        h.getCanaryVersion(),
        h.getCanaryPercent(),
        h.getShadowVersion(),
        RollingWindow.round(h.getEventsPerSecond()),
        RollingWindow.round(h.getPredictionsPerSecond()),
        RollingWindow.round(h.getDeadLettersPerSecond()),
        h.getLag(),
        h.getLastRefusal(),
        h.getRoutingCause(),
        millis(h.getRoutingRecordAt()),
        millis(h.getRoutingAppliedAt()),
        convergenceMs(h));
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }
}
