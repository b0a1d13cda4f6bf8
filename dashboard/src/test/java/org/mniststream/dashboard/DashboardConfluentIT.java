package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.FramedSerde;
import org.mniststream.schemas.framing.SchemaRegistryClient;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormat;
import org.mniststream.schemas.framing.ValueFormats;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.testing.SchemaRegistryFixture;
import org.mniststream.topics.TopicReader;

/**
 * The dashboard told {@code value.format=confluent}: what it writes (a drawn digit on the images
 * topic, "wrong, it was N" on the labels topic) is in Confluent framing, with an id the real
 * registry resolves, so a registry-based reader of those topics sees no single-object value.
 */
class DashboardConfluentIT {
  private static SchemaRegistryFixture registry;

  private final HttpClient http = HttpClient.newHttpClient();
  private DashboardServer dashboard;

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
  void tearDown() {
    if (dashboard != null) {
      dashboard.close();
    }
  }

  @Test
  void shouldWriteDrawnImagesAndLabelsInConfluentFraming() throws Exception {
    KafkaFixture kafka = KafkaFixture.shared();
    TopicNames topics = TopicNames.withPrefix("dc-" + UUID.randomUUID() + ".");
    kafka.createTopic(topics.images(), 2, Map.of());
    kafka.createTopic(topics.labels(), 2, Map.of());
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", kafka.bootstrapServers());
    dashboard =
        DashboardServer.start(
            DashboardClients.connect(client),
            topics,
            List.of(),
            DashboardOptions.onPort(0),
            ValueCodecs.of(ValueFormats.of(ValueFormat.CONFLUENT, registry.confluentApiUrl())));

    // When a digit is drawn and declared "wrong, it was 3"
    HttpResponse<String> drawn = post("/api/draw", zeros());
    assertThat(drawn.statusCode()).as(drawn.body()).isEqualTo(202);
    String id = JsonCodec.readTree(drawn.body()).get("eventId").textValue();
    HttpResponse<String> wrong =
        post("/api/draw/label", "{\"eventId\":\"" + id + "\",\"label\":3}");
    assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(202);

    // Then both records are Confluent-framed, and the registry's schema reads them back
    SchemaRegistryClient reader =
        new SchemaRegistryClient(
            registry.confluentApiUrl(), Optional.empty(), SchemaRegistryClient.Retry.DEFAULT);
    byte[] image = onlyValue(client, topics.images());
    byte[] label = onlyValue(client, topics.labels());
    assertThat(image[0]).isZero();
    assertThat(label[0]).isZero();
    ImageEvent event =
        new FramedSerde<>(
                ContractSerdes.imageEvent(),
                topics.images(),
                ValueFormat.SINGLE_OBJECT,
                Optional.of(reader))
            .decode(image);
    LabelEvent labelEvent =
        new FramedSerde<>(
                ContractSerdes.labelEvent(),
                topics.labels(),
                ValueFormat.SINGLE_OBJECT,
                Optional.of(reader))
            .decode(label);
    assertThat(event.getEventId()).isEqualTo(id);
    assertThat(labelEvent.getEventId()).isEqualTo(id);
    assertThat(labelEvent.getLabel()).isEqualTo(3);
    assertThatThrownBy(() -> ContractSerdes.imageEvent().decode(image))
        .isInstanceOf(AvroDecodingException.class);
  }

  private static byte[] onlyValue(Properties client, String topic) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> records;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(client, "dashboard-confluent-it"))) {
      records = TopicReader.readAll(consumer, List.of(topic), Duration.ofSeconds(20));
    }
    assertThat(records).hasSize(1);
    return records.get(0).value();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(dashboard.url().resolve(path))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String zeros() {
    StringBuilder b = new StringBuilder("[0");
    for (int i = 1; i < 784; i++) {
      b.append(",0");
    }
    return b.append(']').toString();
  }
}
