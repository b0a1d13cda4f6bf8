package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for the ITs, configured like the product's (acks=all, idempotent); public for
 * the fixture's ITs in test-support, which use this module's test-jar.
 */
public final class KafkaClients {

  public static final Duration AWAIT = Duration.ofSeconds(30);

  private KafkaClients() {}

  public static String topicName() {
    return "it-" + UUID.randomUUID();
  }

  public static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(producerProps(bootstrap));
  }

  public static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
    Properties props = producerProps(bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
    KafkaProducer<String, String> producer = new KafkaProducer<>(props);
    producer.initTransactions();
    return producer;
  }

  public static KafkaConsumer<String, String> consumer(String bootstrap, String isolationLevel) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-group-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    return new KafkaConsumer<>(props);
  }

  /** Polls until exactly {@code expected} values arrived (in order), then commits them. */
  public static List<String> pollValues(KafkaConsumer<String, String> consumer, int expected) {
    List<String> values = new ArrayList<>();
    await()
        .atMost(AWAIT)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () -> {
              for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                values.add(r.value());
              }
              assertThat(values).hasSizeGreaterThanOrEqualTo(expected);
            });
    consumer.commitSync();
    // Nothing more may trail behind (e.g. aborted records leaking into read_committed).
    consumer.poll(Duration.ofMillis(300)).forEach(r -> values.add(r.value()));
    return values;
  }

  private static Properties producerProps(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, BrokerConfig.MAX_MESSAGE_BYTES);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return props;
  }
}
