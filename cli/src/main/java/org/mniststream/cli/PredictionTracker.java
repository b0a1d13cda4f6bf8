package org.mniststream.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.mniststream.schemas.ContractDecoder;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.Prediction;
import org.mniststream.topics.TopicReader;

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
  private final ContractDecoder<Prediction> serde;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  private final Histogram latencyMicros = new Histogram(3_600_000_000L, 3);
  private Histogram intervalLatency = new Histogram(3_600_000_000L, 3);
  private final Set<String> seen = new HashSet<>();
  private final Map<String, Integer> seenAgain = new HashMap<>(); // id -> predictions beyond one
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
  // processedAt of every prediction since the last resetMaxGap(), and the earliest processedAt of
  // each model version: the app-side view of gaps, free of the consumer's and the commit's cadence
  private long[] processedAt = new long[1 << 16];
  private long[] eventTimes = new long[1 << 16];
  private int processedCount;
  private final Map<Long, Long> firstProcessedOfVersion = new TreeMap<>();
  // with withTruth(...): the true label and the phase of an event without an inline label
  private java.util.function.LongToIntFunction truthOf;
  private java.util.function.LongFunction<String> phaseOf;
  // "<phase>/<version>" -> {served, labelled, correct}
  private final Map<String, long[]> perPhase = new java.util.LinkedHashMap<>();

  /** Tracks predictions whose event id starts with {@code runPrefix}. */
  PredictionTracker(
      Properties clientProps, String predictionsTopic, String deadLettersTopic, String runPrefix) {
    this(clientProps, predictionsTopic, deadLettersTopic, runPrefix, ContractSerdes.prediction());
  }

  /** As above, with predictions decoded by {@code predictions} (e.g. one that reads Confluent). */
  PredictionTracker(
      Properties clientProps,
      String predictionsTopic,
      String deadLettersTopic,
      String runPrefix,
      ContractDecoder<Prediction> predictions) {
    this.serde = predictions;
    this.consumer = new KafkaConsumer<>(TopicReader.consumerConfig(clientProps, "mnist-tracker"));
    // Assigned, not subscribed: a group rebalance (a broker restart moves the coordinator) would
    // send an uncommitted subscriber back to the earliest offset and count everything twice.
    TopicReader.assignFromBeginning(
        consumer, List.of(predictionsTopic, deadLettersTopic), Duration.ofSeconds(60));
    this.predictionsTopic = predictionsTopic;
    this.runPrefix = runPrefix;
    this.thread = new Thread(this, "prediction-tracker");
    thread.setDaemon(true);
  }

  /**
   * For events without an inline label (the drift demo sends its labels later, on the labels
   * topic): {@code truthOf} gives the true label of the event with that sequence number (the number
   * after the last '-' of its id; negative for none), and {@code phaseOf} names the part of the run
   * it belongs to, so {@link Snapshot#perPhase()} has accuracy per phase and version. Call before
   * {@link #start()}.
   */
  PredictionTracker withTruth(
      java.util.function.LongToIntFunction truthOf,
      java.util.function.LongFunction<String> phaseOf) {
    this.truthOf = truthOf;
    this.phaseOf = phaseOf;
    return this;
  }

  /** The number after the last '-' of an event id, or -1. */
  static long sequenceOf(String eventId) {
    int dash = eventId.lastIndexOf('-');
    try {
      return dash < 0 ? -1 : Long.parseLong(eventId.substring(dash + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
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
            seenAgain.merge(p.getEventId(), 1, Integer::sum);
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
          long made = p.getProcessedAt().toEpochMilli();
          if (processedCount == processedAt.length) {
            processedAt = java.util.Arrays.copyOf(processedAt, processedCount * 2);
            eventTimes = java.util.Arrays.copyOf(eventTimes, processedCount * 2);
          }
          eventTimes[processedCount] = p.getEventTime().toEpochMilli();
          processedAt[processedCount++] = made;
          firstProcessedOfVersion.merge(p.getModelVersion(), made, Math::min);
          long[] counts = perVersion.computeIfAbsent(p.getModelVersion(), v -> new long[2]);
          counts[0]++;
          firstArrivalOfVersion.putIfAbsent(p.getModelVersion(), now);
          latestVersion = Math.max(latestVersion, p.getModelVersion());
          Integer label = p.getLabel();
          long[] phase = null;
          if (truthOf != null) {
            long sequence = sequenceOf(p.getEventId());
            if (label == null && sequence >= 0) {
              int truth = truthOf.applyAsInt(sequence);
              label = truth < 0 ? null : truth;
            }
            String name = sequence < 0 ? "?" : phaseOf.apply(sequence);
            phase = perPhase.computeIfAbsent(name + "/" + p.getModelVersion(), k -> new long[3]);
            phase[0]++;
          }
          if (label != null) {
            labelled++;
            if (phase != null) {
              phase[1]++;
            }
            if (label == p.getPredictedClass()) {
              correct++;
              counts[1]++;
              if (phase != null) {
                phase[2]++;
              }
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
    Map<String, long[]> phases = new java.util.LinkedHashMap<>();
    perPhase.forEach((k, c) -> phases.put(k, c.clone()));
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
        maxGapMillis,
        phases);
  }

  /**
   * Compares the predictions seen so far with what the input topic holds ({@code inputCounts}:
   * event id to the number of records with that id): under exactly-once each input record has
   * exactly one committed prediction.
   */
  synchronized Accounting account(Map<String, Integer> inputCounts) {
    long inputRecords = 0;
    long inputDuplicates = 0;
    long missing = 0;
    long excess = 0;
    for (Map.Entry<String, Integer> e : inputCounts.entrySet()) {
      int in = e.getValue();
      inputRecords += in;
      inputDuplicates += in - 1;
      int out = seen.contains(e.getKey()) ? 1 + seenAgain.getOrDefault(e.getKey(), 0) : 0;
      if (out < in) {
        missing += in - out;
      } else {
        excess += out - in;
      }
    }
    long unknown = seen.stream().filter(id -> !inputCounts.containsKey(id)).count();
    return new Accounting(
        inputCounts.size(), inputRecords, inputDuplicates, missing, excess, unknown);
  }

  /**
   * Input against output. {@code missing}: input records without a prediction; {@code excess}:
   * predictions beyond one per input record; {@code unknown}: predicted ids not on the input topic.
   */
  record Accounting(
      long inputIds,
      long inputRecords,
      long inputDuplicates,
      long missing,
      long excess,
      long unknown) {}

  /** Predictions (without duplicates) and dead letters seen so far; cheaper than a snapshot. */
  synchronized long accounted() {
    return predictions + deadLetters;
  }

  /**
   * Waits until {@code events} events have a prediction or a dead letter, or {@code limit} has
   * passed; the caller's summary says which.
   */
  void awaitAccounted(long events, java.time.Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (accounted() < events && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
  }

  /** Forgets the latency recorded so far (warm-up). */
  synchronized void resetLatency() {
    latencyMicros.reset();
  }

  /** Resets the longest-gap figures (after warm-up, before the window that matters). */
  synchronized void resetMaxGap() {
    maxGapMillis = 0;
    processedCount = 0;
  }

  /**
   * Gaps between two consecutive predictions in the order the app made them ({@code processedAt}),
   * since the last {@link #resetMaxGap()}. The run is cut into windows of {@code 2 * windowMillis}:
   * one centred on each swap (the first prediction of every version after the first one seen) and,
   * in between, as many as fit away from any swap. For each window its longest gap; the swap
   * windows against the others is what a swap costs, on the same machine in the same run. Arrival
   * gaps also carry the commit interval (under exactly-once predictions become visible once per
   * commit); these do not.
   */
  synchronized ServingGaps servingGaps(long windowMillis) {
    long[] times = java.util.Arrays.copyOf(processedAt, processedCount);
    java.util.Arrays.sort(times);
    if (times.length < 2) {
      return new ServingGaps(List.of(), List.of());
    }
    List<Long> swaps =
        firstProcessedOfVersion.values().stream()
            .sorted()
            .skip(1)
            .filter(
                t -> t - windowMillis >= times[0] && t + windowMillis <= times[times.length - 1])
            .toList();
    List<Long> near = new java.util.ArrayList<>();
    for (long swap : swaps) {
      near.add(longestGap(times, swap - windowMillis, swap + windowMillis));
    }
    List<Long> away = new java.util.ArrayList<>();
    for (long from = times[0]; from + 2 * windowMillis <= times[times.length - 1]; ) {
      long to = from + 2 * windowMillis;
      long start = from;
      java.util.Optional<Long> clash =
          swaps.stream().filter(t -> t + windowMillis > start && t - windowMillis < to).findFirst();
      if (clash.isPresent()) {
        from = clash.get() + windowMillis;
        continue;
      }
      away.add(longestGap(times, from, to));
      from = to;
    }
    return new ServingGaps(near, away);
  }

  /** The longest gap between consecutive {@code times} (sorted) with both ends in [from, to]. */
  private static long longestGap(long[] times, long from, long to) {
    int i = java.util.Arrays.binarySearch(times, from);
    i = i < 0 ? -i - 1 : i;
    long longest = 0;
    for (i = i + 1; i < times.length && times[i] <= to; i++) {
      longest = Math.max(longest, times[i] - times[i - 1]);
    }
    return longest;
  }

  /**
   * The longest gap between two consecutive event times since the last {@link #resetMaxGap()}: how
   * long the load generator went without producing. An arrival gap longer than this plus the
   * largest latency cannot be the app's.
   */
  synchronized long longestEventTimeGap() {
    long[] times = java.util.Arrays.copyOf(eventTimes, processedCount);
    java.util.Arrays.sort(times);
    long longest = 0;
    for (int i = 1; i < times.length; i++) {
      longest = Math.max(longest, times[i] - times[i - 1]);
    }
    return longest;
  }

  /** The longest gap (ms) of each swap window and of each window away from swaps. */
  record ServingGaps(List<Long> nearSwaps, List<Long> awayFromSwaps) {
    long swaps() {
      return nearSwaps.size();
    }

    static long median(List<Long> values) {
      if (values.isEmpty()) {
        return 0;
      }
      List<Long> sorted = values.stream().sorted().toList();
      return sorted.get(sorted.size() / 2);
    }

    static long max(List<Long> values) {
      return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }
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
      long maxGapMillis,
      Map<String, long[]> perPhase) {

    double accuracyOf(long version) {
      long[] c = perVersion.get(version);
      return c == null || c[0] == 0 ? Double.NaN : (double) c[1] / c[0];
    }
  }
}
