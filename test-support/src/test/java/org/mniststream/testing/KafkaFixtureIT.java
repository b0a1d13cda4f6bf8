package org.mniststream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mniststream.kafka.KafkaClients.consumer;
import static org.mniststream.kafka.KafkaClients.pollValues;
import static org.mniststream.kafka.KafkaClients.producer;
import static org.mniststream.kafka.KafkaClients.topicName;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaFixtureIT {

  /** The JVM-wide fixture, as most ITs of the project use it. */
  private static KafkaFixture kafka;

  @BeforeAll
  static void startKafka() {
    kafka = KafkaFixture.shared();
  }

  @Test
  void shouldHandOutOneSharedFixtureThatSurvivesClose() throws Exception {
    KafkaFixture again = KafkaFixture.shared();
    again.close();

    assertThat(again).isSameAs(kafka);
    assertThat(kafka.kind()).isIn("embedded", "testcontainers", "external");
    String topic = topicName();
    kafka.createTopic(topic, 1, Map.of());
    assertThat(topicNames(kafka)).contains(topic);
  }

  @Test
  void shouldCreateTopicsWithPartitionsAndConfigReadyForProducers() throws Exception {
    String topic = topicName();

    kafka.createTopic(topic, 3, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact"));

    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    try (Admin admin = Admin.create(props)) {
      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config =
          admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);

      assertThat(description.partitions()).hasSize(3);
      assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
    }
  }

  @Test
  void shouldAcceptModelSizedRecords() throws Exception {
    String topic = topicName();
    kafka.createTopic(topic, 1, Map.of());
    // A serialized model is about 2 MB, twice Kafka's default message.max.bytes.
    String model = "m".repeat(2 * 1024 * 1024);

    try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers());
        KafkaConsumer<String, String> consumer =
            consumer(kafka.bootstrapServers(), "read_committed")) {
      producer.send(new ProducerRecord<>(topic, "model", model)).get(30, TimeUnit.SECONDS);
      consumer.subscribe(List.of(topic));

      assertThat(pollValues(consumer, 1)).singleElement().isEqualTo(model);
    }
  }

  @Test
  void shouldKeepTopicsAcrossKillAndRestartWhenTheKindSupportsIt() throws Exception {
    // Its own fixture: killing the shared one would disturb the other tests of this JVM.
    try (KafkaFixture own = KafkaFixture.start()) {
      assumeTrue(own.supportsRestart(), "restart needs the embedded broker, this is " + own);
      String topic = topicName();
      own.createTopic(topic, 2, Map.of());

      own.kill();
      own.restart();

      assertThat(topicNames(own)).contains(topic);
    }
  }

  @Test
  void shouldStartAClusterWhoseTopicsHaveThreeReplicasAndSurviveANodeKill() throws Exception {
    try (KafkaFixture three = KafkaFixture.startCluster(3)) {
      assumeTrue(three.embeddedCluster().isPresent(), "node kills need the embedded cluster");
      String topic = topicName();
      three.createTopic(topic, 1, Map.of());
      assertThat(replicas(three, topic)).isEqualTo(3);
      assertThatThrownBy(three::kill).isInstanceOf(UnsupportedOperationException.class);

      three.embeddedCluster().orElseThrow().kill(0);

      try (KafkaProducer<String, String> producer = producer(three.bootstrapServers())) {
        producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
      }
      assertThat(topicNames(three)).contains(topic);
    }
  }

  private static int replicas(KafkaFixture fixture, String topic) throws Exception {
    Properties props = new Properties();
    props.putAll(fixture.clientProperties());
    try (Admin admin = Admin.create(props)) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .get(0)
          .replicas()
          .size();
    }
  }

  private static Set<String> topicNames(KafkaFixture fixture) throws Exception {
    Properties props = new Properties();
    props.putAll(fixture.clientProperties());
    try (Admin admin = Admin.create(props)) {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    }
  }
}
