package org.mniststream.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mniststream.app.models.TopicReader;

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
    Properties props = new Properties();
    props.putAll(clientProps);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "mnist-key-count-" + UUID.randomUUID());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, Integer> counts = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
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
