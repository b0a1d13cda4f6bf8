package org.mniststream.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.mniststream.topics.TopicReader;

/**
 * Everything committed to a topic, decoded, in arrival order, collected by a background
 * read_committed consumer: under exactly-once only committed output counts.
 */
final class TopicContents<V> implements AutoCloseable {
  /** One record with where it was and when it arrived. */
  record Entry<V>(int partition, long offset, byte[] key, V value, long arrivedAtMillis) {}

  private final List<Entry<V>> entries = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  TopicContents(Properties clientProps, String topic, Function<byte[], V> decoder) {
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(clientProps, "it-reader"));
    // assigned, not subscribed: no rebalance can send it back to the earliest offset
    TopicReader.assignFromBeginning(consumer, List.of(topic), Duration.ofSeconds(30));
    thread =
        new Thread(
            () -> {
              try (consumer) {
                while (running.get()) {
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    Entry<V> e =
                        new Entry<>(
                            r.partition(),
                            r.offset(),
                            r.key(),
                            decoder.apply(r.value()),
                            System.currentTimeMillis());
                    synchronized (entries) {
                      entries.add(e);
                    }
                  }
                }
              }
            },
            "it-reader-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  List<Entry<V>> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  List<V> values() {
    return entries().stream().map(Entry::value).toList();
  }

  long size() {
    synchronized (entries) {
      return entries.size();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(5_000);
  }
}
