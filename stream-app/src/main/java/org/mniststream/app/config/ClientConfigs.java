package org.mniststream.app.config;

import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plain consumer and producer settings for the app's own clients (model bootstrap, CLI), taken from
 * the same layered configuration as Kafka Streams: the client keys pass (security included), the
 * rest is left out so the clients do not warn about unknown keys.
 */
public final class ClientConfigs {
  private ClientConfigs() {}

  /** A group-less, read_committed consumer of raw bytes that never commits. */
  public static Properties consumer(Properties config, String clientIdSuffix) {
    Properties p = select(config, ConsumerConfig.configNames(), "consumer.");
    p.putIfAbsent(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, StreamsConfigFactory.DEFAULT_BOOTSTRAP_SERVERS);
    p.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        "mnist-stream-" + clientIdSuffix + "-" + UUID.randomUUID().toString().substring(0, 8));
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Only what producers committed: an aborted model publication must never be served.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.putIfAbsent(
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
        Integer.toString(StreamsConfigFactory.MAX_RECORD_BYTES));
    return p;
  }

  /** An admin client's settings (topic checks at start-up, the {@code topics} command). */
  public static Properties admin(Properties config, String clientIdSuffix) {
    Properties p = select(config, AdminClientConfig.configNames(), "admin.");
    p.putIfAbsent(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StreamsConfigFactory.DEFAULT_BOOTSTRAP_SERVERS);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "mnist-stream-" + clientIdSuffix);
    return p;
  }

  /** An idempotent producer of raw bytes. */
  public static Properties producer(Properties config, String clientIdSuffix) {
    Properties p = select(config, ProducerConfig.configNames(), "producer.");
    p.putIfAbsent(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, StreamsConfigFactory.DEFAULT_BOOTSTRAP_SERVERS);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "mnist-stream-" + clientIdSuffix);
    p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** The keys a client knows, then {@code prefix}-ed overrides for that client kind only. */
  private static Properties select(Properties config, Set<String> known, String prefix) {
    Properties p = new Properties();
    for (String key : config.stringPropertyNames()) {
      if (known.contains(key)) {
        p.setProperty(key, config.getProperty(key));
      }
    }
    for (String key : config.stringPropertyNames()) {
      if (key.startsWith(prefix) && known.contains(key.substring(prefix.length()))) {
        p.setProperty(key.substring(prefix.length()), config.getProperty(key));
      }
    }
    return p;
  }
}
