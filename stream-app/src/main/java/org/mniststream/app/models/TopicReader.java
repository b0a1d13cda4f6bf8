package org.mniststream.app.models;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads whole topics with a plain, group-less consumer: from the beginning of every partition to
 * the end offsets of the moment of the call (the last stable offsets under read_committed).
 */
public final class TopicReader {
  private static final Duration POLL = Duration.ofMillis(200);

  private TopicReader() {}

  /**
   * Assigns the partitions of {@code topics} that exist (and are not yet assigned), from their
   * beginning. Returns the newly assigned ones.
   */
  public static List<TopicPartition> assignFromBeginning(
      KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics, Duration timeout) {
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

  /** Hands every record of the assigned partitions up to their current end to {@code sink}. */
  public static long readToEnd(
      KafkaConsumer<byte[], byte[]> consumer,
      Duration timeout,
      Consumer<ConsumerRecord<byte[], byte[]>> sink)
      throws TimeoutException {
    Set<TopicPartition> partitions = consumer.assignment();
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    long count = 0;
    while (!reached(consumer, end)) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException(
            "could not read " + partitions + " to " + end + " within " + timeout);
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        sink.accept(record);
        count++;
      }
    }
    return count;
  }

  /** Every record of {@code topics} up to their current end. */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(
      KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics, Duration timeout)
      throws TimeoutException {
    assignFromBeginning(consumer, topics, timeout);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    readToEnd(consumer, timeout, records::add);
    return records;
  }

  private static boolean reached(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
