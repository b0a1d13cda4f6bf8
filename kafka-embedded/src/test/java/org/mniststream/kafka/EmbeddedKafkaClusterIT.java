package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mniststream.kafka.KafkaClients.consumer;
import static org.mniststream.kafka.KafkaClients.pollValues;
import static org.mniststream.kafka.KafkaClients.producer;
import static org.mniststream.kafka.KafkaClients.topicName;
import static org.mniststream.kafka.KafkaClients.transactionalProducer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One three-node cluster for the class; each test leaves every node running. */
class EmbeddedKafkaClusterIT {

  private static EmbeddedKafkaCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = EmbeddedKafkaCluster.builder().nodes(3).start();
  }

  @AfterAll
  static void closeCluster() {
    if (cluster != null) {
      Path dataDir = cluster.dataDir();
      cluster.close();
      assertThat(dataDir).as("temporary data dir is deleted on close").doesNotExist();
    }
  }

  @Test
  void shouldReplicateEveryTopicThreeTimesWithTwoInSync() throws Exception {
    String topic = topicName();
    try (Admin admin = admin()) {
      // Given a topic created with the broker defaults
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(2), Optional.empty())))
          .all()
          .get(30, TimeUnit.SECONDS);

      // Then it has three replicas on the three nodes and needs two in sync
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      assertThat(description.partitions())
          .allSatisfy(
              p ->
                  assertThat(p.replicas())
                      .extracting(n -> n.id())
                      .containsExactlyInAnyOrder(1, 2, 3));
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      assertThat(
              admin
                  .describeConfigs(List.of(resource))
                  .all()
                  .get(30, TimeUnit.SECONDS)
                  .get(resource)
                  .get("min.insync.replicas")
                  .value())
          .isEqualTo("2");
      assertThat(cluster.node(0).brokerConfig())
          .containsEntry("transaction.state.log.replication.factor", "3")
          .containsEntry("transaction.state.log.min.isr", "2")
          .containsEntry("offsets.topic.replication.factor", "3");
    }
  }

  @Test
  void shouldKeepEveryAcknowledgedRecordWhenThePartitionLeaderIsKilled() throws Exception {
    String topic = topicName();
    createTopic(topic);
    try (KafkaProducer<String, String> producer = producer(cluster.bootstrapServers());
        KafkaConsumer<String, String> consumer =
            consumer(cluster.bootstrapServers(), "read_committed")) {
      send(producer, topic, "a", 0, 50);

      // When the leader of the topic's partition dies
      int leader = cluster.partitionLeader(topic, 0);
      cluster.kill(leader);

      // Then writes go on (another replica takes over) and nothing acknowledged is lost
      send(producer, topic, "a", 50, 100);
      assertThat(cluster.partitionLeader(topic, 0)).isNotEqualTo(leader);
      consumer.subscribe(List.of(topic));
      assertThat(pollValues(consumer, 100))
          .containsExactlyElementsOf(IntStream.range(0, 100).mapToObj(i -> "a" + i).toList());

      cluster.restart(leader);
      awaitInSync(topic, 3);
    }
  }

  @Test
  void shouldCommitTransactionsWhenTheActiveControllerIsKilled() throws Exception {
    String topic = topicName();
    createTopic(topic);
    try (KafkaProducer<String, String> producer =
            transactionalProducer(cluster.bootstrapServers());
        KafkaConsumer<String, String> consumer =
            consumer(cluster.bootstrapServers(), "read_committed")) {
      // When the active controller dies
      int controller = cluster.activeController();
      cluster.kill(controller);

      // Then the other two elect a new one, and transactions commit
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(cluster.activeController()).isNotEqualTo(controller));
      producer.beginTransaction();
      for (int i = 0; i < 20; i++) {
        producer.send(new ProducerRecord<>(topic, "k", "t" + i));
      }
      producer.commitTransaction();
      consumer.subscribe(List.of(topic));
      assertThat(pollValues(consumer, 20))
          .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "t" + i).toList());

      cluster.restart(controller);
      assertThat(cluster.node(controller).isRunning()).isTrue();
    }
  }

  @Test
  void shouldRunASingleNodeClusterWithSingleReplicas() throws Exception {
    // The demo's and the benchmarks' stack: a cluster of one, configured like the single broker
    try (EmbeddedKafkaCluster one = EmbeddedKafkaCluster.builder().nodes(1).start();
        KafkaProducer<String, String> producer = producer(one.bootstrapServers())) {
      assertThat(one.node(0).brokerConfig())
          .containsEntry("controller.quorum.voters", "1@127.0.0.1:" + one.node(0).controllerPort())
          .containsEntry("transaction.state.log.replication.factor", "1");
      String topic = topicName();
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, one.bootstrapServers());
      try (Admin admin = Admin.create(props)) {
        admin
            .createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
      assertThat(one.partitionLeader(topic, 0)).isZero();
      assertThat(one.activeController()).isZero();
    }
  }

  private static void send(
      KafkaProducer<String, String> producer, String topic, String prefix, int from, int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      producer.send(new ProducerRecord<>(topic, "k", prefix + i)).get(30, TimeUnit.SECONDS);
    }
  }

  private static void createTopic(String topic) throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 3)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    awaitInSync(topic, 3);
  }

  /** Until the partitions of {@code topic} have {@code replicas} in-sync replicas. */
  private static void awaitInSync(String topic, int replicas) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              try (Admin admin = admin()) {
                TopicDescription d =
                    admin
                        .describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(10, TimeUnit.SECONDS)
                        .get(topic);
                assertThat(d.partitions()).allSatisfy(p -> assertThat(p.isr()).hasSize(replicas));
              }
            });
  }

  private static Admin admin() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.putAll(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    return Admin.create(props);
  }
}
