package org.mniststream.cli;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.Prediction;

/**
 * Reads committed predictions and dead letters (read_committed, so under exactly-once only what the
 * app committed counts) and keeps the figures a run reports: counts, duplicates, end-to-end latency
 * (HdrHistogram, arrival minus event time), accuracy and events served per model version, the swap
 * moment, and the longest gap between two consecutive predictions.
 */
final class PredictionTracker implements Runnable, AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String predictionsTopic;
  private final String runPrefix;
  private final AvroSerde<Prediction> serde = ContractSerdes.prediction();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  private final Histogram latencyMicros = new Histogram(3_600_000_000L, 3);
  private Histogram intervalLatency = new Histogram(3_600_000_000L, 3);
  private final Set<String> seen = new HashSet<>();
  private final Map<Long, long[]> perVersion = new TreeMap<>(); // version -> {served, correct}
  private final Map<Long, Long> firstArrivalOfVersion = new TreeMap<>();
  private long predictions;
  private long duplicates;
  private long deadLetters;
  private long correct;
  private long labelled;
  private long lastArrivalMillis;
  private long maxGapMillis;
  private long latestVersion = -1;

  /** Tracks predictions whose event id starts with {@code runPrefix}. */
  PredictionTracker(
      Properties clientProps, String predictionsTopic, String deadLettersTopic, String runPrefix) {
    Properties props = new Properties();
    props.putAll(clientProps);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "mnist-tracker-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    // Assigned, not subscribed: a group rebalance (a broker restart moves the coordinator) would
    // send an uncommitted subscriber back to the earliest offset and count everything twice.
    List<org.apache.kafka.common.TopicPartition> partitions = new java.util.ArrayList<>();
    for (String topic : List.of(predictionsTopic, deadLettersTopic)) {
      consumer
          .partitionsFor(topic)
          .forEach(
              p ->
                  partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.predictionsTopic = predictionsTopic;
    this.runPrefix = runPrefix;
    this.thread = new Thread(this, "prediction-tracker");
    thread.setDaemon(true);
  }

  PredictionTracker start() {
    thread.start();
    return this;
  }

  @Override
  public void run() {
    while (running.get()) {
      var records = consumer.poll(Duration.ofMillis(100));
      long now = System.currentTimeMillis();
      synchronized (this) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (!r.topic().equals(predictionsTopic)) {
            deadLetters++;
            continue;
          }
          Prediction p = serde.decode(r.value());
          if (!p.getEventId().startsWith(runPrefix)) {
            continue;
          }
          if (!seen.add(p.getEventId())) {
            duplicates++;
            continue;
          }
          predictions++;
          long latency = Math.max(0, (now - p.getEventTime().toEpochMilli()) * 1000);
          latencyMicros.recordValue(latency);
          intervalLatency.recordValue(latency);
          if (lastArrivalMillis > 0) {
            maxGapMillis = Math.max(maxGapMillis, now - lastArrivalMillis);
          }
          lastArrivalMillis = now;
          long[] counts = perVersion.computeIfAbsent(p.getModelVersion(), v -> new long[2]);
          counts[0]++;
          firstArrivalOfVersion.putIfAbsent(p.getModelVersion(), now);
          latestVersion = Math.max(latestVersion, p.getModelVersion());
          if (p.getLabel() != null) {
            labelled++;
            if (p.getLabel() == p.getPredictedClass()) {
              correct++;
              counts[1]++;
            }
          }
        }
      }
    }
  }

  /** A consistent copy of the figures; resets the interval latency histogram. */
  synchronized Snapshot snapshot() {
    Histogram interval = intervalLatency;
    intervalLatency = new Histogram(3_600_000_000L, 3);
    Map<Long, long[]> versions = new TreeMap<>();
    perVersion.forEach((v, c) -> versions.put(v, c.clone()));
    return new Snapshot(
        predictions,
        duplicates,
        deadLetters,
        labelled == 0 ? Double.NaN : (double) correct / labelled,
        latencyMicros.copy(),
        interval,
        versions,
        new TreeMap<>(firstArrivalOfVersion),
        latestVersion,
        maxGapMillis);
  }

  /** Forgets the latency recorded so far (warm-up). */
  synchronized void resetLatency() {
    latencyMicros.reset();
  }

  /** Resets the longest-gap figure (after warm-up, before the window that matters). */
  synchronized void resetMaxGap() {
    maxGapMillis = 0;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(5_000);
    consumer.close();
  }

  record Snapshot(
      long predictions,
      long duplicates,
      long deadLetters,
      double accuracy,
      Histogram latencyMicros,
      Histogram intervalLatencyMicros,
      Map<Long, long[]> perVersion,
      Map<Long, Long> firstArrivalOfVersion,
      long latestVersion,
      long maxGapMillis) {

    double accuracyOf(long version) {
      long[] c = perVersion.get(version);
      return c == null || c[0] == 0 ? Double.NaN : (double) c[1] / c[0];
    }
  }
}
