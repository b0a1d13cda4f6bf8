package org.mniststream.app.ops;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.mniststream.app.models.RegistryStatus;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.InstanceHeartbeat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this instance's {@link InstanceHeartbeat} to the instances topic every interval, and a
 * tombstone on {@link #close()}: how the dashboard and the {@code models} command find the fleet
 * without a list of addresses to maintain. Runs on its own daemon thread with its own idempotent
 * producer; a heartbeat that cannot be sent (broker away) is logged at debug and the next one tries
 * again, so the stream threads never wait for it.
 */
public final class HeartbeatPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatPublisher.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /** What does not change while the instance runs. */
  public record Identity(
      String instanceId,
      String applicationId,
      String modelName,
      String httpAddress,
      Instant startedAt,
      Duration interval) {}

  /** What Kafka Streams says: its state, the image partitions it owns, the lag on them. */
  record StreamsView(String state, List<Integer> partitions, Long lag) {
    static final StreamsView STARTING = new StreamsView("STARTING", List.of(), null);

    static StreamsView of(KafkaStreams streams, String imagesTopic) {
      if (streams == null) {
        return STARTING;
      }
      TreeSet<Integer> partitions = new TreeSet<>();
      streams
          .metadataForLocalThreads()
          .forEach(
              thread ->
                  thread
                      .activeTasks()
                      .forEach(
                          task ->
                              task.topicPartitions().stream()
                                  .filter(tp -> tp.topic().equals(imagesTopic))
                                  .forEach(tp -> partitions.add(tp.partition()))));
      Long lag = null;
      for (var e : streams.metrics().entrySet()) {
        MetricName name = e.getKey();
        if (name.name().equals("records-lag")
            && name.group().equals("consumer-fetch-manager-metrics")
            && imagesTopic.equals(name.tags().get("topic"))) {
          Object value = ((Metric) e.getValue()).metricValue();
          if (value instanceof Double d && !d.isNaN()) {
            lag = (lag == null ? 0 : lag) + Math.round(d);
          }
        }
      }
      return new StreamsView(streams.state().name(), new ArrayList<>(partitions), lag);
    }
  }

  private final Identity identity;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final Supplier<RegistryStatus> registry;
  private final Supplier<StreamsView> streams;
  private final Supplier<AppStats> stats;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private AppStats previous;
  private Instant previousAt;

  public HeartbeatPublisher(
      Identity identity,
      Properties producerConfig,
      String topic,
      Supplier<RegistryStatus> registry,
      Supplier<KafkaStreams> streams,
      String imagesTopic,
      Supplier<AppStats> stats,
      Clock clock) {
    this.identity = identity;
    this.producer = new KafkaProducer<>(producerConfig);
    this.topic = topic;
    this.registry = registry;
    this.streams = () -> StreamsView.of(streams.get(), imagesTopic);
    this.stats = stats;
    this.clock = clock;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "instance-heartbeat");
              t.setDaemon(true);
              return t;
            });
  }

  /** Sends the first heartbeat now and then one every interval. */
  public HeartbeatPublisher start() {
    long every = identity.interval().toMillis();
    timer.scheduleAtFixedRate(this::beat, 0, every, TimeUnit.MILLISECONDS);
    return this;
  }

  private void beat() {
    try {
      Instant now = clock.instant();
      AppStats current = stats.get();
      InstanceHeartbeat heartbeat =
          heartbeat(
              identity,
              registry.get(),
              streams.get(),
              current,
              previous,
              previousAt == null ? Duration.ZERO : Duration.between(previousAt, now),
              now);
      previous = current;
      previousAt = now;
      producer.send(
          new ProducerRecord<>(topic, key(), ContractSerdes.instanceHeartbeat().encode(heartbeat)),
          (metadata, e) -> {
            if (e != null) {
              LOG.debug("Heartbeat not sent ({}); the next one tries again", e.toString());
            }
          });
    } catch (KafkaException e) {
      LOG.debug("Heartbeat failed ({}); the next one tries again", e.toString());
    } catch (RuntimeException e) {
      // an exception escaping a scheduled task would cancel every later heartbeat
      LOG.warn("Heartbeat failed; the next one tries again", e);
    }
  }

  /** This instance's heartbeat, a pure function of what it is given (rates from two stats). */
  static InstanceHeartbeat heartbeat(
      Identity identity,
      RegistryStatus status,
      StreamsView streams,
      AppStats now,
      AppStats before,
      Duration elapsed,
      Instant sentAt) {
    double seconds = elapsed.toNanos() / 1e9;
    RegistryStatus.Swap lastSwap =
        status.history().isEmpty() ? null : status.history().get(status.history().size() - 1);
    RegistryStatus.Refusal lastRefusal =
        status.refused().isEmpty() ? null : status.refused().get(status.refused().size() - 1);
    return InstanceHeartbeat.newBuilder()
        .setInstanceId(identity.instanceId())
        .setApplicationId(identity.applicationId())
        .setModelName(identity.modelName())
        .setHttpAddress(identity.httpAddress())
        .setStartedAt(identity.startedAt())
        .setSentAt(sentAt)
        .setIntervalMs((int) identity.interval().toMillis())
        .setStreamsState(streams.state())
        .setPartitions(streams.partitions())
        .setActiveVersion(status.active() == null ? null : status.active().version())
        .setCanaryVersion(status.canary() == null ? null : status.canary().version())
        .setCanaryPercent(status.canaryPercent())
        .setShadowVersion(status.shadow() == null ? null : status.shadow().version())
        .setEventsPerSecond(
            rate(now.eventsIn(), before == null ? null : before.eventsIn(), seconds))
        .setPredictionsPerSecond(
            rate(predictions(now), before == null ? null : predictions(before), seconds))
        .setDeadLettersPerSecond(
            rate(now.deadLetters(), before == null ? null : before.deadLetters(), seconds))
        .setLag(streams.lag())
        .setLastRefusal(
            lastRefusal == null
                ? null
                : lastRefusal.key() + " " + lastRefusal.reason() + ": " + lastRefusal.message())
        .setRoutingCause(lastSwap == null ? null : lastSwap.cause())
        .setRoutingRecordAt(lastSwap == null ? null : lastSwap.recordAt())
        .setRoutingAppliedAt(lastSwap == null ? null : lastSwap.at())
        .build();
  }

  private static long predictions(AppStats stats) {
    return stats.predictionsByRoute().values().stream().mapToLong(Long::longValue).sum();
  }

  private static double rate(long now, Long before, double seconds) {
    return before == null || seconds <= 0 ? 0.0 : Math.max(0, now - before) / seconds;
  }

  private byte[] key() {
    return identity.instanceId().getBytes(StandardCharsets.UTF_8);
  }

  /** Stops the heartbeats and publishes a tombstone: a clean shutdown, not a death. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      producer
          .send(new ProducerRecord<>(topic, key(), null))
          .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn(
          "Could not publish the shutdown tombstone of {}: {}",
          identity.instanceId(),
          e.toString());
    } finally {
      producer.close(CLOSE_WAIT);
    }
  }
}
