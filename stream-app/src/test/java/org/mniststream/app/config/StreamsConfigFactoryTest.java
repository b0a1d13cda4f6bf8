package org.mniststream.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsConfigFactoryTest {
  @Test
  void shouldFillDefaultsForExactlyOnceWithRawBytes() {
    Properties p = StreamsConfigFactory.streamsConfig(new Properties());

    assertThat(p)
        .containsEntry("application.id", "mnist-stream")
        .containsEntry("bootstrap.servers", "localhost:9092")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("commit.interval.ms", "50")
        .containsEntry(
            "default.key.serde", "org.apache.kafka.common.serialization.Serdes$ByteArraySerde")
        .containsEntry("consumer.auto.offset.reset", "earliest")
        .containsEntry("global.consumer.isolation.level", "read_committed")
        .containsEntry("main.consumer.session.timeout.ms", "6000")
        .containsEntry("main.consumer.heartbeat.interval.ms", "1500")
        .containsEntry("producer.transaction.timeout.ms", "6000")
        .containsKeys(
            "producer.max.request.size",
            "consumer.max.partition.fetch.bytes",
            "consumer.fetch.max.bytes",
            "deserialization.exception.handler",
            "processing.exception.handler",
            "production.exception.handler");
    assertThat(Integer.parseInt(p.getProperty("producer.max.request.size")))
        .isGreaterThan(1_100_000);
    new StreamsConfig(p); // every value is one Kafka Streams accepts
  }

  @Test
  void shouldLeaveTheInternalTopicsReplicationToTheBrokerDefaultUnlessGiven() {
    assertThat(StreamsConfigFactory.streamsConfig(new Properties()))
        .containsEntry("replication.factor", "-1")
        .doesNotContainKey("topic.min.insync.replicas");

    Properties overrides = new Properties();
    overrides.setProperty("replication.factor", "3");
    overrides.setProperty("topic.min.insync.replicas", "2");
    assertThat(StreamsConfigFactory.streamsConfig(overrides))
        .containsEntry("replication.factor", "3")
        .containsEntry("topic.min.insync.replicas", "2");
  }

  @Test
  void shouldLetEveryGivenPropertyWin() {
    Properties overrides = new Properties();
    overrides.setProperty("processing.guarantee", "at_least_once");
    overrides.setProperty("application.id", "other");
    overrides.setProperty("security.protocol", "SSL");
    overrides.setProperty("topic.segment.bytes", "1048576");

    Properties p = StreamsConfigFactory.streamsConfig(overrides);

    assertThat(p)
        .containsEntry("processing.guarantee", "at_least_once")
        .containsEntry("application.id", "other")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("topic.segment.bytes", "1048576");
  }

  @Test
  void shouldKeepTheAppsTopicNamesAwayFromTheInternalTopicConfigs() {
    Properties overrides = new Properties();
    overrides.setProperty("topics.images", "images");
    overrides.setProperty("topics.predictions.shadow", "shadow");

    Properties p = StreamsConfigFactory.streamsConfig(overrides);

    assertThat(p).doesNotContainKeys("topics.images", "topics.predictions.shadow");
  }
}
