package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.framing.ConfluentFraming;
import org.mniststream.schemas.framing.FramedSerde;
import org.mniststream.schemas.framing.IncompatibleSchemaException;
import org.mniststream.schemas.framing.SchemaRegistryClient;
import org.mniststream.schemas.framing.ValueFormat;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.testing.SchemaRegistryFixture;
import org.mniststream.topics.TopicReader;

/**
 * The production app with Confluent framing, on the real broker and the real registry (Apicurio,
 * built by the build): producers that use the registry-aware serializer, a consumer that resolves
 * the predictions' schema ids through the registry, mixed framings on one topic, an unknown id.
 */
class ConfluentFramingIT {
  private static final Duration AWAIT = Duration.ofSeconds(90);
  private static SchemaRegistryFixture registry;
  private KafkaIt kafka;
  private StreamApp app;

  @BeforeAll
  static void startRegistry() {
    registry = SchemaRegistryFixture.start();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @AfterEach
  void stopApp() {
    if (app != null) {
      app.close();
    }
  }

  /** A client of its own, as a separate producer or consumer process would have. */
  private static SchemaRegistryClient client() {
    return new SchemaRegistryClient(
        registry.confluentApiUrl(), Optional.empty(), SchemaRegistryClient.Retry.DEFAULT);
  }

  private StreamApp startApp(String valueFormat) throws Exception {
    kafka.send(kafka.topics.models(), TestModelRecords.key(1), TestModelRecords.mlp(1));
    return kafka.startApp(
        Map.of(
            "value.format",
            valueFormat,
            "schema.registry.url",
            registry.confluentApiUrl().toString(),
            "inference.batch.size",
            "16"));
  }

  @Test
  void shouldClassifyMixedFramingsAndWriteConfluentFramedPredictionsAndDeadLetters()
      throws Exception {
    // Given the app configured for Confluent framing
    kafka = new KafkaIt(KafkaFixture.shared(), 2);
    app = startApp("confluent");
    FramedSerde<ImageEvent> serializer =
        new FramedSerde<>(
            ContractSerdes.imageEvent(),
            kafka.topics.images(),
            ValueFormat.CONFLUENT,
            Optional.of(client()));

    // When a registry-aware producer and a single-object producer share the images topic, and one
    // event names a schema id the registry never issued
    List<String> good = new ArrayList<>();
    byte[] unknownId;
    try (KafkaProducer<byte[], ImageEvent> confluent = producer(serializer);
        KafkaProducer<byte[], byte[]> plain = kafka.producer()) {
      for (int i = 0; i < 40; i++) {
        String id = "cf-" + i;
        ImageEvent event = TestEvents.raw28(id, i % 10);
        if (i % 2 == 0) {
          confluent.send(new ProducerRecord<>(kafka.topics.images(), TestEvents.key(id), event));
        } else {
          plain.send(
              new ProducerRecord<>(
                  kafka.topics.images(), TestEvents.key(id), TestEvents.encode(event)));
        }
        good.add(id);
      }
      unknownId = serializer.encode(TestEvents.raw28("unknown-id", 1));
      ByteBuffer.wrap(unknownId).putInt(1, 999_999);
      plain.send(new ProducerRecord<>(kafka.topics.images(), TestEvents.key("u"), unknownId));
      confluent.flush();
      plain.flush();
    }

    // Then every good event has one prediction, in Confluent framing, readable through the
    // registry by a consumer that has never seen the schema
    FramedSerde<Prediction> predictionReader =
        new FramedSerde<>(
            ContractSerdes.prediction(),
            kafka.topics.predictions(),
            ValueFormat.CONFLUENT,
            Optional.of(client()));
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () ->
                assertThat(kafka.readCommitted(kafka.topics.predictions(), predictionReader))
                    .extracting(Prediction::getEventId)
                    .containsExactlyInAnyOrderElementsOf(good));
    List<byte[]> raw = rawValues(kafka.topics.predictions());
    assertThat(raw).hasSize(good.size()).allMatch(ConfluentFraming::isConfluent);
    int predictionId = ConfluentFraming.schemaId(raw.get(0));
    assertThat(client().schemaById(predictionId)).isEqualTo(Prediction.getClassSchema());
    assertThat(client().subjects())
        .contains(kafka.topics.images() + "-value", kafka.topics.predictions() + "-value");
    // the subjects the app registered are BACKWARD: a producer's breaking ImageEvent is refused
    Schema breaking =
        new Schema.Parser()
            .parse(
                ImageEvent.getClassSchema()
                    .toString()
                    .replace(
                        "\"fields\":[", "\"fields\":[{\"name\":\"camera\",\"type\":\"int\"},"));
    assertThatThrownBy(() -> client().register(kafka.topics.images() + "-value", breaking))
        .isInstanceOf(IncompatibleSchemaException.class);

    // And the unknown id is a dead letter with its own reason, its bytes kept for a replay
    FramedSerde<DeadLetter> letterReader =
        new FramedSerde<>(
            ContractSerdes.deadLetter(),
            kafka.topics.deadLetters(),
            ValueFormat.CONFLUENT,
            Optional.of(client()));
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              List<DeadLetter> letters =
                  kafka.readCommitted(kafka.topics.deadLetters(), letterReader);
              assertThat(letters)
                  .extracting(DeadLetter::getReason)
                  .containsExactly(DeadLetterReason.UNKNOWN_SCHEMA_ID);
              assertThat(letters.get(0).getMessage()).contains("999999");
              assertThat(letters.get(0).getOriginalValue()).isEqualTo(ByteBuffer.wrap(unknownId));
            });
  }

  @Test
  void shouldReadConfluentInputWhenWritingSingleObject() throws Exception {
    // Given the app in the default format, with a registry to resolve input ids
    kafka = new KafkaIt(KafkaFixture.shared(), 1);
    app = startApp("single-object");
    FramedSerde<ImageEvent> serializer =
        new FramedSerde<>(
            ContractSerdes.imageEvent(),
            kafka.topics.images(),
            ValueFormat.CONFLUENT,
            Optional.of(client()));

    // When a registry-aware producer writes
    try (KafkaProducer<byte[], ImageEvent> confluent = producer(serializer)) {
      for (int i = 0; i < 5; i++) {
        confluent.send(
            new ProducerRecord<>(
                kafka.topics.images(), TestEvents.key("so-" + i), TestEvents.raw28("so-" + i, 3)));
      }
      confluent.flush();
    }

    // Then its events are classified, and the predictions are single-object as configured
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () ->
                assertThat(
                        kafka.readCommitted(
                            kafka.topics.predictions(), ContractSerdes.prediction()))
                    .extracting(Prediction::getEventId)
                    .containsExactlyInAnyOrder("so-0", "so-1", "so-2", "so-3", "so-4"));
    assertThat(rawValues(kafka.topics.predictions())).allMatch(ConfluentFraming::isSingleObject);
  }

  @Test
  void shouldRefuseToStartInOneLineWhenTheRegistryDoesNotAnswer() throws Exception {
    kafka = new KafkaIt(KafkaFixture.shared(), 1);
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }

    assertThatThrownBy(
            () ->
                kafka.startApp(
                    Map.of(
                        "value.format",
                        "confluent",
                        "schema.registry.url",
                        "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7")))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("did not answer after 6 attempts")
        .hasMessageContaining("connection refused")
        .hasMessageEndingWith("(schema.registry.url)");
  }

  private KafkaProducer<byte[], ImageEvent> producer(FramedSerde<ImageEvent> serializer) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new ByteArraySerializer(), serializer);
  }

  private List<byte[]> rawValues(String topic) throws Exception {
    Properties base = new Properties();
    base.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(base, "it-raw-reader"))) {
      for (ConsumerRecord<byte[], byte[]> r :
          TopicReader.readAll(consumer, List.of(topic), Duration.ofSeconds(30))) {
        out.add(r.value());
      }
    }
    return out;
  }
}
