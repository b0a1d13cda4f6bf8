package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.topics.TopicReader;

/**
 * People in the loop on a real broker: the review panel shows what the review topic holds (an
 * undecodable record counted and skipped), and a label given in the review panel or as "wrong, it
 * was N" in the draw panel is a LabelEvent on the labels topic.
 */
class DashboardReviewIT {
  private static final Duration SEEN = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private KafkaFixture kafka;
  private TopicNames topics;
  private KafkaProducer<String, byte[]> producer;
  private DashboardServer dashboard;

  @BeforeEach
  void setUp() {
    kafka = KafkaFixture.shared();
    topics = TopicNames.withPrefix("dr-" + UUID.randomUUID() + ".");
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(props);
  }

  @AfterEach
  void tearDown() {
    if (dashboard != null) {
      dashboard.close();
    }
    producer.close(Duration.ofSeconds(5));
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(dashboard.url().resolve(path))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode review() throws Exception {
    return JsonCodec.readTree(dashboard.stateJson()).get("review");
  }

  @Test
  void shouldTurnALabelFromEitherPanelIntoALabelEvent() throws Exception {
    // Given review requests (and one record that is none) on the review topic
    kafka.createTopic(topics.review(), 2, Map.of());
    kafka.createTopic(topics.labels(), 2, Map.of());
    kafka.createTopic(topics.images(), 2, Map.of());
    producer.send(new ProducerRecord<>(topics.review(), "x", "not avro".getBytes())).get();
    for (String id : List.of("r-1", "r-2")) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.review(),
                  id,
                  ContractSerdes.reviewRequest().encode(ReviewQueueTest.request(id, 28, 784))))
          .get();
    }
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", kafka.bootstrapServers());

    // When the dashboard starts, then its review panel has both, with their images
    dashboard = DashboardServer.start(DashboardClients.connect(client), topics, List.of(), 0);
    await()
        .atMost(SEEN)
        .untilAsserted(
            () -> {
              JsonNode r = review();
              assertThat(AggregatesTest.list(r.get("items")))
                  .extracting(i -> i.get("eventId").textValue())
                  .containsExactlyInAnyOrder("r-1", "r-2");
              assertThat(r.get("undecodable").longValue()).isEqualTo(1);
              assertThat(r.get("items").get(0).get("pixels").textValue()).hasSize(1048);
            });

    // When a person labels r-1 a 7 in the review panel
    HttpResponse<String> reviewed = post("/api/review/label", "{\"eventId\":\"r-1\",\"label\":7}");

    // Then it is accepted and leaves the panel; labelling it again is refused
    assertThat(reviewed.statusCode()).as(reviewed.body()).isEqualTo(202);
    assertThat(AggregatesTest.list(review().get("items")))
        .extracting(i -> i.get("eventId").textValue())
        .containsExactly("r-2");
    assertThat(post("/api/review/label", "{\"eventId\":\"r-1\",\"label\":7}").statusCode())
        .isEqualTo(404);

    // When a digit is drawn on the page and declared "wrong, it was 3"
    HttpResponse<String> drawn = post("/api/draw", zeros());
    assertThat(drawn.statusCode()).as(drawn.body()).isEqualTo(202);
    String drawnId = JsonCodec.readTree(drawn.body()).get("eventId").textValue();
    HttpResponse<String> wrong =
        post("/api/draw/label", "{\"eventId\":\"" + drawnId + "\",\"label\":3}");
    assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(202);

    // Then the labels topic has both label events, keyed by event id, and nothing else
    List<ConsumerRecord<byte[], byte[]>> labels;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(client, "review-it"))) {
      labels = TopicReader.readAll(consumer, List.of(topics.labels()), Duration.ofSeconds(20));
    }
    assertThat(labels)
        .extracting(
            r -> new String(r.key(), StandardCharsets.UTF_8),
            r -> ContractSerdes.labelEvent().decode(r.value()).getEventId(),
            r -> ContractSerdes.labelEvent().decode(r.value()).getLabel(),
            r -> ContractSerdes.labelEvent().decode(r.value()).getLabelledBy())
        .containsExactlyInAnyOrder(
            tuple("r-1", "r-1", 7, DashboardServer.REVIEW_LABELLER),
            tuple(drawnId, drawnId, 3, DashboardServer.DRAW_LABELLER));
    assertThat(labels)
        .extracting(r -> ContractSerdes.labelEvent().decode(r.value()))
        .extracting(LabelEvent::getLabelledAt)
        .doesNotContainNull();
  }

  private static String zeros() {
    StringBuilder b = new StringBuilder("[0");
    for (int i = 1; i < 784; i++) {
      b.append(",0");
    }
    return b.append(']').toString();
  }
}
