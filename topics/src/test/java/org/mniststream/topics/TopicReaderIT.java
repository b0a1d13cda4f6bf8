package org.mniststream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.testing.KafkaFixture;

class TopicReaderIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private final KafkaFixture kafka = KafkaFixture.shared();
  private String topic;

  @BeforeEach
  void createTopic() {
    topic = "reader-" + UUID.randomUUID();
    kafka.createTopic(topic, 2, Map.of());
  }

  @Test
  void shouldReadToTheEndsOfTheMomentAndLeaveLaterRecordsForTheNextPoll() throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(null)) {
      for (int i = 0; i < 10; i++) {
        producer.send(record(i % 2, "k" + i)).get();
      }
      try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
        TopicReader.assignFromBeginning(consumer, List.of(topic, "no-such-topic"), TIMEOUT);
        Map<TopicPartition, Long> ends = TopicReader.endOffsets(consumer, TIMEOUT);
        for (int i = 10; i < 14; i++) {
          producer.send(record(i % 2, "k" + i)).get();
        }
        List<String> read = new ArrayList<>();
        assertThat(TopicReader.readTo(consumer, ends, TIMEOUT, r -> read.add(key(r))))
            .isEqualTo(10);
        assertThat(read)
            .containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");

        List<String> rest = new ArrayList<>();
        TopicReader.readToEnd(consumer, TIMEOUT, r -> rest.add(key(r)));
        assertThat(rest).containsExactlyInAnyOrder("k10", "k11", "k12", "k13");
      }
    }
  }

  @Test
  void shouldNeverSeeAbortedRecordsAndWaitForOpenTransactionsOnlyWhenAskedTo() throws Exception {
    try (KafkaProducer<byte[], byte[]> tx = producer("reader-it-" + UUID.randomUUID())) {
      tx.initTransactions();
      tx.beginTransaction();
      tx.send(record(0, "aborted"));
      tx.abortTransaction();
      tx.beginTransaction();
      tx.send(record(0, "committed"));
      tx.commitTransaction();
      tx.beginTransaction();
      tx.send(record(1, "open")).get();

      try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
        List<String> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
            TopicReader.readAll(consumer, List.of(topic), TIMEOUT)) {
          read.add(key(r));
        }
        assertThat(read).containsExactly("committed");
      }

      Map<TopicPartition, Long> highWatermarks;
      Properties adminProps = new Properties();
      adminProps.putAll(kafka.clientProperties());
      try (Admin admin = Admin.create(adminProps)) {
        highWatermarks = TopicReader.highWatermarks(admin, topic, TIMEOUT);
      }
      try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
        TopicReader.assignFromBeginning(consumer, List.of(topic), TIMEOUT);
        assertThatThrownBy(
                () -> TopicReader.readTo(consumer, highWatermarks, Duration.ofSeconds(2), r -> {}))
            .isInstanceOf(TimeoutException.class);
      }
      tx.commitTransaction();
      try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
        TopicReader.assignFromBeginning(consumer, List.of(topic), TIMEOUT);
        List<String> read = new ArrayList<>();
        TopicReader.readTo(consumer, highWatermarks, TIMEOUT, r -> read.add(key(r)));
        assertThat(read).containsExactlyInAnyOrder("committed", "open");
      }
    }
  }

  private ProducerRecord<byte[], byte[]> record(int partition, String key) {
    return new ProducerRecord<>(
        topic, partition, key.getBytes(StandardCharsets.UTF_8), new byte[] {1});
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return new String(r.key(), StandardCharsets.UTF_8);
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties base = new Properties();
    base.putAll(kafka.clientProperties());
    return new KafkaConsumer<>(TopicReader.consumerConfig(base, "reader-it"));
  }

  private KafkaProducer<byte[], byte[]> producer(String transactionalId) {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    return new KafkaProducer<>(p);
  }
}
