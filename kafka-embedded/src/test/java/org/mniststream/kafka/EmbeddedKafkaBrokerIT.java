package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mniststream.kafka.KafkaClients.consumer;
import static org.mniststream.kafka.KafkaClients.pollValues;
import static org.mniststream.kafka.KafkaClients.producer;
import static org.mniststream.kafka.KafkaClients.topicName;
import static org.mniststream.kafka.KafkaClients.transactionalProducer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder().start();
  }

  @AfterAll
  static void closeBroker() {
    if (broker != null) {
      Path dataDir = broker.dataDir();
      broker.close();
      assertThat(dataDir).as("temporary data dir is deleted on close").doesNotExist();
    }
  }

  @Test
  void shouldProduceAndConsumeRecords() throws Exception {
    String topic = topicName();
    createTopic(broker.bootstrapServers(), topic, 3);

    try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers());
        KafkaConsumer<String, String> consumer =
            consumer(broker.bootstrapServers(), "read_committed")) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get(30, TimeUnit.SECONDS);
      }
      consumer.subscribe(List.of(topic));

      assertThat(pollValues(consumer, 10)).containsExactlyElementsOf(values("v", 0, 10));
    }
  }

  @Test
  void shouldShowOnlyCommittedTransactionsToReadCommittedConsumers() throws Exception {
    String topic = topicName();
    createTopic(broker.bootstrapServers(), topic, 1);

    try (KafkaProducer<String, String> producer = transactionalProducer(broker.bootstrapServers());
        KafkaConsumer<String, String> committed =
            consumer(broker.bootstrapServers(), "read_committed");
        KafkaConsumer<String, String> uncommitted =
            consumer(broker.bootstrapServers(), "read_uncommitted")) {
      sendInTransaction(producer, topic, List.of("c1", "c2"), true);
      sendInTransaction(producer, topic, List.of("aborted1", "aborted2"), false);
      sendInTransaction(producer, topic, List.of("c3"), true);
      committed.subscribe(List.of(topic));
      uncommitted.subscribe(List.of(topic));

      assertThat(pollValues(committed, 3)).containsExactly("c1", "c2", "c3");
      assertThat(pollValues(uncommitted, 5))
          .containsExactly("c1", "c2", "aborted1", "aborted2", "c3");
    }
  }

  @Test
  void shouldKeepRecordsAcrossKillAndRestart() throws Exception {
    String topic = topicName();
    String bootstrap = broker.bootstrapServers();
    createTopic(bootstrap, topic, 1);

    try (KafkaProducer<String, String> producer = producer(bootstrap);
        KafkaProducer<String, String> txProducer = transactionalProducer(bootstrap);
        KafkaConsumer<String, String> consumer = consumer(bootstrap, "read_committed")) {
      for (String v : values("before", 0, 5)) {
        producer.send(new ProducerRecord<>(topic, v)).get(30, TimeUnit.SECONDS);
      }
      sendInTransaction(txProducer, topic, List.of("tx-before"), true);
      consumer.subscribe(List.of(topic));
      assertThat(pollValues(consumer, 6)).hasSize(6);
      long pidBefore = broker.pid().orElseThrow();

      broker.kill();

      assertThat(broker.isRunning()).isFalse();
      assertThat(acceptsConnections(broker.port())).as("port closed after kill -9").isFalse();

      broker.restart();

      assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
      assertThat(broker.pid()).isPresent().isNotEqualTo(OptionalLong.of(pidBefore));
      // The clients created before the crash reconnect by themselves: same port.
      for (String v : values("after", 0, 3)) {
        producer.send(new ProducerRecord<>(topic, v)).get(60, TimeUnit.SECONDS);
      }
      sendInTransaction(txProducer, topic, List.of("tx-after"), true);
      assertThat(pollValues(consumer, 4))
          .as("the old consumer resumes from its committed offset")
          .containsExactly("after0", "after1", "after2", "tx-after");
    }
    try (KafkaConsumer<String, String> fresh = consumer(bootstrap, "read_committed")) {
      fresh.subscribe(List.of(topic));
      List<String> expected = new ArrayList<>(values("before", 0, 5));
      expected.add("tx-before");
      expected.addAll(values("after", 0, 3));
      expected.add("tx-after");

      assertThat(pollValues(fresh, 10)).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void shouldResumeTopicsFromAKeptDataDirInANewBroker(@TempDir Path dir) throws Exception {
    String topic = topicName();
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDir(dir).start();
        KafkaProducer<String, String> producer = producer(first.bootstrapServers())) {
      createTopic(first.bootstrapServers(), topic, 1);
      producer.send(new ProducerRecord<>(topic, "kept")).get(30, TimeUnit.SECONDS);
    }
    assertThat(dir.resolve(EmbeddedKafkaBroker.KAFKA_LOG_DIR_NAME)).isDirectory();

    try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDir(dir).start();
        KafkaConsumer<String, String> consumer =
            consumer(second.bootstrapServers(), "read_committed")) {
      consumer.subscribe(List.of(topic));

      assertThat(pollValues(consumer, 1)).containsExactly("kept");
    }
    assertThat(Files.readString(dir.resolve(EmbeddedKafkaBroker.LOG_FILE_NAME)))
        .as("one log file, appended across both runs")
        .contains("Kafka Server started")
        .containsPattern("(?s)embedded Kafka broker starting.*embedded Kafka broker starting");
  }

  @Test
  void shouldFailWithTheLogTailWhenTheBrokerCannotStart() {
    EmbeddedKafkaBroker.Builder misconfigured =
        EmbeddedKafkaBroker.builder().brokerProperty("num.io.threads", "not-a-number");

    assertThatThrownBy(misconfigured::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with code")
        .hasMessageContaining("num.io.threads");
  }

  private static void createTopic(String bootstrap, String topic, int partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(Map.of())))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static void sendInTransaction(
      KafkaProducer<String, String> producer, String topic, List<String> values, boolean commit) {
    producer.beginTransaction();
    values.forEach(v -> producer.send(new ProducerRecord<>(topic, v)));
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  private static List<String> values(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
  }

  private static boolean acceptsConnections(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(EmbeddedKafkaBroker.HOST, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
