package org.mniststream.app.models;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.mniststream.topics.ModelsTopicContents;
import org.mniststream.topics.TopicReader;

/**
 * Looks one key up on the models topic, with a short-lived group-less consumer: how the registry
 * gets the parameters of an old version it let go of when a rollout routes to it again. Rare (a
 * rollback past the retained versions), so a full read of the topic is fine; only the records of
 * the wanted key are kept, by the models topic's one rule ({@link ModelsTopicContents}).
 */
public final class ModelsTopicLookup implements ModelRegistry.ModelRecordSource {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private final Properties consumerConfig;
  private final String topic;

  public ModelsTopicLookup(Properties consumerConfig, String topic) {
    this.consumerConfig = consumerConfig;
    this.topic = topic;
  }

  @Override
  public Optional<byte[]> latestValue(String key) throws TimeoutException {
    byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
    ModelsTopicContents contents = new ModelsTopicContents();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
      TopicReader.assignFromBeginning(consumer, List.of(topic), TIMEOUT);
      TopicReader.readToEnd(
          consumer,
          TIMEOUT,
          r -> {
            if (Arrays.equals(wanted, r.key())) {
              contents.apply(r);
            }
          });
    }
    return contents.latestValue(key);
  }
}
