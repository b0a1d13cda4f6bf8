package org.mniststream.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
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
final class FleetConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  private static final long RETRY_MS = 2000;

  private final Consumer<byte[], byte[]> consumer;
  private final String topic;
  private final Clock clock;
  private final Thread thread;
  private final FleetView fleet = new FleetView();
  private volatile boolean running = true;
  private volatile boolean assigned;

  FleetConsumer(Consumer<byte[], byte[]> consumer, String topic, Clock clock) {
    this.consumer = consumer;
    this.topic = topic;
    this.clock = clock;
    this.thread = new Thread(this::run, "dashboard-fleet");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Whether the instances topic's partitions are assigned. */
  boolean assigned() {
    return assigned;
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

  private void run() {
    try {
      while (running) {
        try {
          if (!assigned) {
            assign();
            continue;
          }
          var records = consumer.poll(POLL);
          synchronized (fleet) {
            for (ConsumerRecord<byte[], byte[]> record : records) {
              fleet.apply(record);
            }
          }
        } catch (WakeupException e) {
          break;
        } catch (KafkaException e) {
          // Authorization, a broker away: say so, keep trying.
          LOG.warn("Dashboard fleet consumer: {}; retrying in {} ms", e.toString(), RETRY_MS);
          sleep();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("Dashboard fleet consumer stopped", e);
    } finally {
      consumer.close();
    }
  }

  /** Until the topic exists (the app or an operator creates it), the fleet is only known empty. */
  private void assign() {
    if (TopicReader.assignFromBeginning(consumer, List.of(topic), METADATA_TIMEOUT).isEmpty()) {
      LOG.debug("No partitions of {} yet; retrying in {} ms", topic, RETRY_MS);
      sleep();
      return;
    }
    assigned = true;
    LOG.info("Dashboard reading the fleet from {} ({} partitions)", topic, consumer.assignment());
  }

  private void sleep() {
    try {
      Thread.sleep(RETRY_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread.getState() == Thread.State.NEW) {
      consumer.close(); // never started: no thread will close it
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
