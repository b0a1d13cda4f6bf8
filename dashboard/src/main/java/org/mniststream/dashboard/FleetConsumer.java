package org.mniststream.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.mniststream.schemas.InstanceHeartbeat;
import org.mniststream.topics.FleetView;
import org.mniststream.topics.TopicReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers the fleet: reads {@code topics.instances} (key the instance id, value {@link
 * InstanceHeartbeat}, a tombstone on a clean shutdown) on its own thread into a {@link FleetView}.
 *
 * <p>Its consumer is assigned every partition from the beginning, not subscribed: the topic is
 * compacted, so its whole content is the current fleet, and every dashboard needs all of it. The
 * consumer is configured by {@link DashboardClients#fleetConsumerConfig}; this class uses it from
 * its own thread only, and closes it when the thread ends.
 */
final class FleetConsumer extends ConsumerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(FleetConsumer.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration RETRY = Duration.ofSeconds(2);

  private final String topic;
  private final Clock clock;
  private final FleetView fleet = new FleetView();

  FleetConsumer(Consumer<byte[], byte[]> consumer, String topic, Clock clock) {
    super(consumer, "dashboard-fleet", RETRY);
    this.topic = topic;
    this.clock = clock;
  }

  /** The fleet as known now. */
  Fleet.Snapshot snapshot() {
    Instant now = clock.instant();
    synchronized (fleet) {
      return Fleet.snapshot(fleet.live(now), fleet.dead(now), fleet.undecodable(), now);
    }
  }

  /** The live instances' heartbeats, by instance id. */
  List<InstanceHeartbeat> live() {
    synchronized (fleet) {
      return fleet.live(clock.instant());
    }
  }

  /** Until the topic exists (the app or an operator creates it), the fleet is only known empty. */
  @Override
  boolean setUp() {
    if (TopicReader.assignFromBeginning(consumer, List.of(topic), METADATA_TIMEOUT).isEmpty()) {
      LOG.debug("No partitions of {} yet; retrying in {}", topic, RETRY);
      return false;
    }
    assigned(true);
    LOG.info("Dashboard reading the fleet from {} ({} partitions)", topic, consumer.assignment());
    return true;
  }

  @Override
  void handle(ConsumerRecords<byte[], byte[]> records) {
    synchronized (fleet) {
      for (ConsumerRecord<byte[], byte[]> record : records) {
        fleet.apply(record);
      }
    }
  }
}
