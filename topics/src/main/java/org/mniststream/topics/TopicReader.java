package org.mniststream.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The product's one way to read a topic to its end: a plain, group-less consumer assigned every
 * partition from the beginning, read up to explicit end offsets fixed at the start of the read.
 *
 * <p>Under {@code read_committed} (what {@link #consumerConfig} sets, and what every reader of the
 * product uses) the consumer's end offsets are the last stable offsets: records of aborted
 * transactions are never seen, and a reader never waits for a transaction still open. A caller that
 * must see the outcome of open transactions too (the trainer's publisher, after fencing) passes
 * {@link #highWatermarks} as the ends: the read then waits until those transactions are resolved.
 *
 * <p>Records at or past the end offsets are not handed out, and the consumer is left positioned at
 * the ends, so a caller that goes on polling (the stream app's model bootstrap) sees every later
 * record exactly once.
 */
public final class TopicReader {
  private static final Duration POLL = Duration.ofMillis(200);

  private TopicReader() {}

  /**
   * Consumer settings for reading with this class: {@code clientProperties} (bootstrap servers,
   * security, ...) with no group, no offset commits, {@code read_committed}, byte-array keys and
   * values, and a client id made of {@code clientIdPrefix} and a random suffix.
   */
  public static Properties consumerConfig(Properties clientProperties, String clientIdPrefix) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        clientIdPrefix + "-" + UUID.randomUUID().toString().substring(0, 8));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Only what producers committed: an aborted model publication must never be served.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /**
   * Assigns the partitions of {@code topics} that exist (and are not yet assigned), from their
   * beginning, and returns the newly assigned ones. Topics that do not exist are skipped: call
   * again later to pick up topics created meanwhile.
   */
  public static List<TopicPartition> assignFromBeginning(
      org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
      Collection<String> topics,
      Duration timeout) {
    Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
    List<TopicPartition> added = new ArrayList<>();
    var existing = consumer.listTopics(timeout);
    for (String topic : topics) {
      var partitions = existing.get(topic);
      if (partitions == null) {
        continue;
      }
      for (var p : partitions) {
        TopicPartition tp = new TopicPartition(topic, p.partition());
        if (assigned.add(tp)) {
          added.add(tp);
        }
      }
    }
    if (!added.isEmpty()) {
      consumer.assign(assigned);
      consumer.seekToBeginning(added);
    }
    return added;
  }

  /**
   * The end offsets of the assigned partitions as the consumer sees them: the last stable offsets
   * under read_committed.
   */
  public static Map<TopicPartition, Long> endOffsets(
      org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Duration timeout) {
    return consumer.endOffsets(consumer.assignment(), timeout);
  }

  /**
   * Hands every record of the assigned partitions below {@code ends} to {@code sink}, in offset
   * order per partition, and returns how many.
   *
   * @throws TimeoutException when the ends are not reached within {@code timeout} (a transaction
   *     left open past a high watermark, or a broker away)
   */
  public static <K, V> long readTo(
      org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
      Map<TopicPartition, Long> ends,
      Duration timeout,
      Consumer<ConsumerRecord<K, V>> sink)
      throws TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> remaining = new HashMap<>(ends);
    remaining.entrySet().removeIf(e -> consumer.position(e.getKey(), timeout) >= e.getValue());
    long count = 0;
    while (!remaining.isEmpty()) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException(
            "could not read " + remaining.keySet() + " to " + remaining + " within " + timeout);
      }
      for (ConsumerRecord<K, V> record : consumer.poll(POLL)) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        Long end = ends.get(tp);
        if (end != null && record.offset() < end) {
          sink.accept(record);
          count++;
        }
      }
      remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
    }
    // A poll may have fetched past an end: go back, so that the next poll starts at the end.
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) > end.getValue()) {
        consumer.seek(end.getKey(), end.getValue());
      }
    }
    return count;
  }

  /**
   * The end of each partition of {@code topic} INCLUDING the records of transactions still open
   * (the high watermarks): read to these under read_committed to wait until those transactions are
   * resolved.
   */
  public static Map<TopicPartition, Long> highWatermarks(
      Admin admin, String topic, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    TopicDescription description =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .get(topic);
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    description
        .partitions()
        .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin
        .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
        .all()
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /** {@link #readTo} the {@link #endOffsets} of the moment of the call. */
  public static <K, V> long readToEnd(
      org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
      Duration timeout,
      Consumer<ConsumerRecord<K, V>> sink)
      throws TimeoutException {
    return readTo(consumer, endOffsets(consumer, timeout), timeout, sink);
  }

  /** Every record of {@code topics} (those that exist) up to their current end. */
  public static <K, V> List<ConsumerRecord<K, V>> readAll(
      org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
      Collection<String> topics,
      Duration timeout)
      throws TimeoutException {
    assignFromBeginning(consumer, topics, timeout);
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    readToEnd(consumer, timeout, records::add);
    return records;
  }
}
