package org.mniststream.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.mniststream.topics.TopicReader;

/**
 * How many times each key (with a given prefix) is on a topic, read from the beginning to the end
 * offsets of the moment (read_committed). The fault runs use it to count against what the broker
 * really holds rather than against what the load generator tried to send: a send that failed during
 * a broker restart is not an event, and an input record the broker holds twice must have two
 * predictions.
 */
final class TopicKeyCounts {
  private TopicKeyCounts() {}

  static Map<String, Integer> read(
      Properties clientProps, String topic, String keyPrefix, Duration timeout)
      throws TimeoutException {
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(clientProps, "mnist-key-count"))) {
      TopicReader.assignFromBeginning(consumer, List.of(topic), timeout);
      TopicReader.readToEnd(
          consumer,
          timeout,
          r -> {
            if (r.key() != null) {
              String key = new String(r.key(), StandardCharsets.UTF_8);
              if (key.startsWith(keyPrefix)) {
                counts.merge(key, 1, Integer::sum);
              }
            }
          });
    }
    return counts;
  }
}
