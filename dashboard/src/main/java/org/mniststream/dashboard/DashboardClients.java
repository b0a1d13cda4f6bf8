package org.mniststream.dashboard;

import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.TopicReader;

/**
 * The dashboard's five Kafka clients: the consumer of the topics it shows, the producer of the
 * digits drawn on its page and of the labels people give there, the consumer of the instances topic
 * (the fleet), the consumer of the quality, rollouts and decisions topics (the quality panel), and
 * the consumer of the review topic (the review panel). Made by the caller and handed to {@link
 * DashboardServer#start}, which owns them from then on (it closes them when it stops, and when it
 * cannot start).
 */
public record DashboardClients(
    Consumer<byte[], byte[]> consumer,
    Producer<String, byte[]> producer,
    Consumer<byte[], byte[]> fleetConsumer,
    Consumer<byte[], byte[]> qualityConsumer,
    Consumer<byte[], byte[]> reviewConsumer)
    implements AutoCloseable {

  /**
   * Clients for the cluster {@code kafka} describes ({@code bootstrap.servers}, security and any
   * other client property pass through; the product's {@code topics.*} names do not).
   */
  public static DashboardClients connect(Properties kafka) {
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(kafka));
    KafkaConsumer<byte[], byte[]> fleetConsumer = null;
    KafkaConsumer<byte[], byte[]> qualityConsumer = null;
    KafkaConsumer<byte[], byte[]> reviewConsumer = null;
    try {
      fleetConsumer = new KafkaConsumer<>(fleetConsumerConfig(kafka));
      qualityConsumer = new KafkaConsumer<>(qualityConsumerConfig(kafka));
      reviewConsumer = new KafkaConsumer<>(reviewConsumerConfig(kafka));
      return new DashboardClients(
          consumer,
          new KafkaProducer<>(producerConfig(kafka)),
          fleetConsumer,
          qualityConsumer,
          reviewConsumer);
    } catch (RuntimeException e) {
      consumer.close();
      if (fleetConsumer != null) {
        fleetConsumer.close();
      }
      if (qualityConsumer != null) {
        qualityConsumer.close();
      }
      if (reviewConsumer != null) {
        reviewConsumer.close();
      }
      throw e;
    }
  }

  /**
   * Its group is random and fresh: every dashboard sees every partition (a shared group would split
   * them, and each dashboard would count a share). It starts from the latest offsets (a dashboard
   * shows what happens from now on; replaying a 7-day topic at start would only delay that), reads
   * committed records only (an aborted exactly-once transaction's predictions were never real), and
   * commits nothing.
   */
  static Properties consumerConfig(Properties kafka) {
    Properties props = clientProperties(kafka);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "mnist-dashboard-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "mnist-dashboard");
    return props;
  }

  /**
   * The product's reader settings ({@link TopicReader#consumerConfig}: no group, read_committed):
   * the instances topic is read whole from its beginning, where the current fleet is. Should a
   * position ever fall off the log (compaction removed it), the beginning is again the fleet.
   */
  static Properties fleetConsumerConfig(Properties kafka) {
    Properties props = TopicReader.consumerConfig(clientProperties(kafka), "mnist-dashboard-fleet");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  /**
   * Like the fleet's: the quality and rollouts topics are compacted, so their whole content is the
   * current quality and the current rollouts, and the decisions topic's history is the list shown.
   */
  static Properties qualityConsumerConfig(Properties kafka) {
    Properties props =
        TopicReader.consumerConfig(clientProperties(kafka), "mnist-dashboard-quality");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  /**
   * No group, read_committed (a review request of an aborted transaction was never served): the
   * review consumer positions itself near the end of each partition (see {@link ReviewConsumer}).
   */
  static Properties reviewConsumerConfig(Properties kafka) {
    Properties props =
        TopicReader.consumerConfig(clientProperties(kafka), "mnist-dashboard-review");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    return props;
  }

  static Properties producerConfig(Properties kafka) {
    Properties props = clientProperties(kafka);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "mnist-dashboard-draw");
    // A person waits for the answer: fail in seconds, not in the default minutes.
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "12000");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
    return props;
  }

  /** Everything passes through to a client except the product's topic names, which none knows. */
  private static Properties clientProperties(Properties config) {
    Properties props = new Properties();
    for (String name : config.stringPropertyNames()) {
      if (!TopicNames.KEYS.contains(name)) {
        props.put(name, config.getProperty(name));
      }
    }
    return props;
  }

  /** Flushes the producer (a few seconds at most) and closes the five. */
  @Override
  public void close() {
    try {
      producer.close(Duration.ofSeconds(5));
    } finally {
      try {
        consumer.close();
      } finally {
        try {
          fleetConsumer.close();
        } finally {
          try {
            qualityConsumer.close();
          } finally {
            reviewConsumer.close();
          }
        }
      }
    }
  }
}
