package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mniststream.kafka.KafkaClients.consumer;
import static org.mniststream.kafka.KafkaClients.pollValues;
import static org.mniststream.kafka.KafkaClients.producer;
import static org.mniststream.kafka.KafkaClients.topicName;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaFixtureIT {

  private static KafkaFixture kafka;

  @BeforeAll
  static void startKafka() {
    kafka = KafkaFixture.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
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
  void shouldKeepTopicsAcrossRestartWhenTheKindSupportsIt() throws Exception {
    assumeTrue(kafka.supportsRestart(), "restart needs the embedded broker, this is " + kafka);
    String topic = topicName();
    kafka.createTopic(topic, 2, Map.of());

    kafka.kill();
    kafka.restart();

    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
    }
  }
}
