package org.mniststream.app.models;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reads one key's latest committed value back from the models topic, with a short-lived group-less
 * consumer: how the registry gets the parameters of an old version it let go of when a rollout
 * routes to it again. Rare (a rollback past the retained versions), so a full read of the topic (a
 * few MB per version) is fine.
 */
public final class ModelsTopicSource implements ModelRegistry.ModelRecordSource {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private final Properties consumerConfig;
  private final String topic;

  public ModelsTopicSource(Properties consumerConfig, String topic) {
    this.consumerConfig = consumerConfig;
    this.topic = topic;
  }

  @Override
  public Optional<byte[]> latestValue(String key) throws TimeoutException {
    byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
      byte[][] latest = new byte[1][];
      TopicReader.assignFromBeginning(consumer, List.of(topic), TIMEOUT);
      TopicReader.readToEnd(
          consumer,
          TIMEOUT,
          (ConsumerRecord<byte[], byte[]> r) -> {
            if (Arrays.equals(wanted, r.key())) {
              latest[0] = r.value(); // a tombstone (null) withdraws it again
            }
          });
      return Optional.ofNullable(latest[0]);
    }
  }
}
