package org.mniststream.app.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.mniststream.app.StreamApp;
import org.mniststream.app.config.AppConfig;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.TopicNames;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.topics.TopicReader;

/** Topics and plain clients for the ITs, on the shared real broker. */
public final class KafkaIt {
  private final KafkaFixture kafka;
  public final String runId = UUID.randomUUID().toString().substring(0, 8);
  public final TopicNames topics;
  public final String applicationId;

  public KafkaIt(KafkaFixture kafka, int imagePartitions) {
    this.kafka = kafka;
    String prefix = "it-" + runId + ".";
    this.topics = TopicNames.withPrefix(prefix);
    this.applicationId = "it-app-" + runId;
    kafka.createTopic(topics.images(), imagePartitions, Map.of());
    kafka.createTopic(topics.predictions(), imagePartitions, Map.of());
    kafka.createTopic(topics.shadowPredictions(), 1, Map.of());
    kafka.createTopic(topics.deadLetters(), 1, Map.of());
    kafka.createTopic(topics.models(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.rollouts(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.instances(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.labels(), imagePartitions, Map.of());
    kafka.createTopic(topics.quality(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.decisions(), 1, Map.of());
    kafka.createTopic(topics.review(), imagePartitions, Map.of());
    kafka.createTopic(topics.trustedKeys(), 1, Map.of("cleanup.policy", "compact"));
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The app's configuration keys for this run (topics, app id, broker, state dir). */
  public Map<String, String> appConfig(Path stateDir) {
    Map<String, String> config = new HashMap<>(topics.toProperties());
    config.put("bootstrap.servers", bootstrapServers());
    config.put("application.id", applicationId);
    config.put("state.dir", stateDir.toString());
    return Map.copyOf(config);
  }

  public KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new KafkaProducer<>(p);
  }

  public void send(String topic, byte[] key, byte[] value) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  /** Every committed record of the topic, decoded (read_committed, from the beginning). */
  public <V> List<V> readCommitted(String topic, Deserializer<V> values) throws Exception {
    Properties base = new Properties();
    base.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    Properties p = TopicReader.consumerConfig(base, "it-reader");
    List<V> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      for (ConsumerRecord<byte[], byte[]> r :
          TopicReader.readAll(consumer, List.of(topic), Duration.ofSeconds(30))) {
        out.add(values.deserialize(topic, r.value()));
      }
    }
    return out;
  }

  /** Offsets the app's consumer group has committed on the images topic, and the topic's end. */
  public long uncommittedImages() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(applicationId)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      var partitions =
          admin
              .describeTopics(List.of(topics.images()))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(topics.images())
              .partitions();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(
          p -> latest.put(new TopicPartition(topics.images(), p.partition()), OffsetSpec.latest()));
      long behind = 0;
      for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        behind += e.getValue().offset() - (c == null ? 0 : c.offset());
      }
      return behind;
    }
  }

  /**
   * Starts the production app on this run's topics with a free HTTP port, the given settings on
   * top; the caller closes it.
   */
  public StreamApp startApp(Map<String, String> settings) throws Exception {
    Map<String, String> flags = new HashMap<>(appConfig(Files.createTempDirectory("it-state")));
    flags.put("http.port", "0");
    flags.putAll(settings);
    StreamApp app = new StreamApp(AppConfig.load(Optional.empty(), Map.of(), flags));
    try {
      app.start();
    } catch (Exception e) {
      app.close();
      throw e;
    }
    return app;
  }

  /** Sends one 28x28 event and waits until its committed prediction names {@code version}. */
  public void assertNextEventClassifiedBy(String eventId, long version, Duration within)
      throws Exception {
    send(
        topics.images(),
        TestEvents.key(eventId),
        TestEvents.encode(TestEvents.raw28(eventId, null)));
    await()
        .atMost(within)
        .untilAsserted(
            () ->
                assertThat(readCommitted(topics.predictions(), ContractSerdes.prediction()))
                    .filteredOn(p -> p.getEventId().equals(eventId))
                    .extracting(Prediction::getModelVersion)
                    .containsExactly(version));
  }
}
