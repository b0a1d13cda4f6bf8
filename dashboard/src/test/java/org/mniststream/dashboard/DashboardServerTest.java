package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;

/**
 * The HTTP side of the dashboard without a broker (its Kafka clients point at a closed port and
 * retry quietly): the page and its assets, the JSON state, input validation of the draw endpoint,
 * the SSE stream, and the polling of a fake stream-app instance.
 */
class DashboardServerTest {
  private static final String MODEL_JSON =
      "{\"modelName\":\"mnist\",\"ready\":true,\"active\":{\"version\":2,\"architecture\":\"cnn-v1\","
          + "\"parametersSha256\":\"ab\",\"createdAt\":\"2025-06-01T12:00:00Z\",\"parentVersion\":1,"
          + "\"signingKeyId\":null,\"loaded\":true,\"metrics\":{\"testAccuracy\":0.987,"
          + "\"testLoss\":0.04,\"testSize\":10000,\"validationAccuracy\":null}},\"canary\":null,"
          + "\"canaryPercent\":0,\"shadow\":null,\"rollout\":null,\"notes\":[],"
          + "\"lastSwapAt\":\"2025-06-01T12:00:00Z\",\"versions\":[],\"refused\":[{\"key\":"
          + "\"mnist/0000000003\",\"version\":3,\"reason\":\"SHA256_MISMATCH\",\"message\":"
          + "\"hash \\\"x\\\"\\n<b>\",\"at\":\"2025-06-01T12:00:00Z\"}],\"history\":[]}\n";

  private final HttpClient http = HttpClient.newHttpClient();
  private HttpServer fakeApp;
  private DashboardServer dashboard;

  @BeforeEach
  void setUp() throws Exception {
    fakeApp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fakeApp.createContext("/model", ex -> respond(ex, MODEL_JSON));
    fakeApp.createContext(
        "/stats",
        ex ->
            respond(
                ex,
                "{\"eventsIn\":1234,\"predictionsByRoute\":{\"ACTIVE\":1200,\"CANARY\":30},"
                    + "\"deadLetters\":4,\"swaps\":1,\"meanBatchSize\":25.0}\n"));
    fakeApp.start();
    Properties kafka = new Properties();
    kafka.setProperty("bootstrap.servers", "127.0.0.1:1");
    kafka.setProperty("topics.images", "t.images"); // not a client property: must not reach Kafka
    URI app = URI.create("http://127.0.0.1:" + fakeApp.getAddress().getPort());
    URI nowhere = URI.create("http://127.0.0.1:1/");
    dashboard =
        DashboardServer.start(
            DashboardClients.connect(kafka), TopicNames.from(kafka), List.of(app, nowhere), 0);
  }

  @AfterEach
  void tearDown() {
    if (dashboard != null) {
      dashboard.close();
    }
    if (fakeApp != null) {
      fakeApp.stop(0);
    }
  }

  private static void respond(com.sun.net.httpserver.HttpExchange ex, String body)
      throws java.io.IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(200, bytes.length);
    try (var out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(dashboard.url().resolve(path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(dashboard.url().resolve(path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeThePageAndItsAssetsFromTheClasspath() throws Exception {
    HttpResponse<String> page = get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("id=\"draw-canvas\"", "dashboard.js", "dashboard.css");
    assertThat(page.body()).doesNotContain("http://", "https://"); // no CDN, no web fonts
    assertThat(get("/dashboard.js").body()).contains("EventSource");
    assertThat(get("/dashboard.css").statusCode()).isEqualTo(200);
    assertThat(get("/favicon.svg").statusCode()).isEqualTo(200);
    assertThat(get("/etc/passwd").statusCode()).isEqualTo(404);
    assertThat(get("/../pom.xml").statusCode()).isEqualTo(404);
    assertThat(dashboard.port()).isPositive();
  }

  @Test
  void shouldServeTheStateAsJson() throws Exception {
    HttpResponse<String> state = get("/api/state");

    assertThat(state.statusCode()).isEqualTo(200);
    assertThat(state.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode json = JsonCodec.readTree(state.body());
    assertThat(json.fieldNames())
        .toIterable()
        .contains(
            "now",
            "consuming",
            "totals",
            "window",
            "series",
            "accuracy",
            "confusion",
            "deadLetters",
            "recent",
            "drawn",
            "instances");
    assertThat(json.get("consuming").booleanValue()).isFalse();
    assertThat(json.get("topics").get("images").textValue()).isEqualTo("t.images");
  }

  @Test
  void shouldShowEachStreamAppInstanceOnItsOwn() {
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              JsonNode json = JsonCodec.readTree(get("/api/state").body());
              JsonNode instances = json.get("instances");
              assertThat(instances.size()).isEqualTo(2);
              JsonNode up = instances.get(0);
              JsonNode down = instances.get(1);
              assertThat(up.get("reachable").booleanValue()).isTrue();
              JsonNode model = up.get("model");
              assertThat(model).isEqualTo(JsonCodec.readTree(MODEL_JSON)); // passed through
              assertThat(model.get("active").get("version").longValue()).isEqualTo(2);
              assertThat(model.get("refused").get(0).get("message").textValue())
                  .isEqualTo("hash \"x\"\n<b>");
              JsonNode metrics = up.get("metrics");
              assertThat(metrics.get("eventsIn").longValue()).isEqualTo(1234);
              assertThat(metrics.get("meanBatchSize").doubleValue()).isEqualTo(25.0);
              assertThat(metrics.get("deadLetters").longValue()).isEqualTo(4);
              assertThat(metrics.get("swaps").longValue()).isEqualTo(1);
              assertThat(metrics.get("predictionsByRoute"))
                  .isEqualTo(JsonCodec.readTree("{\"ACTIVE\":1200,\"CANARY\":30}"));
              assertThat(down.get("reachable").booleanValue()).isFalse();
              assertThat(down.get("error").textValue()).isNotBlank();
            });
  }

  @Test
  void shouldRefuseInvalidDrawingsWithAReason() throws Exception {
    HttpResponse<String> empty = post("/api/draw", "");
    HttpResponse<String> wrongSize = post("/api/draw", "[1,2,3]");
    HttpResponse<String> notPng = post("/api/draw", "data:image/gif;base64,R0lGODlh");

    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(wrongSize.statusCode()).isEqualTo(400);
    assertThat(JsonCodec.readTree(wrongSize.body()).get("error").textValue()).contains("got 3");
    assertThat(notPng.statusCode()).isEqualTo(400);
    assertThat(get("/api/draw").statusCode()).isEqualTo(405);
    assertThat(post("/api/state", "{}").statusCode()).isEqualTo(405);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(dashboard.url().resolve("/api/draw"))
                        .POST(
                            HttpRequest.BodyPublishers.ofByteArray(
                                new byte[DrawRequest.MAX_BODY_BYTES + 10]))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(413);
  }

  @Test
  void shouldFailClearlyAndCloseItsKafkaClientsWhenThePortIsTaken() {
    // Given a port already served (by the dashboard of this test)
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
    MockProducer<String, byte[]> producer = new MockProducer<>();
    DashboardClients clients = new DashboardClients(consumer, producer);

    // When a second dashboard is started on it
    assertThatThrownBy(
            () -> DashboardServer.start(clients, TopicNames.DEFAULTS, List.of(), dashboard.port()))
        // Then the failure says what went wrong, and the clients it was handed are closed
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot bind the dashboard to port " + dashboard.port())
        .hasCauseInstanceOf(BindException.class);
    assertThat(consumer.closed()).isTrue();
    assertThat(producer.closed()).isTrue();
  }

  @Test
  void shouldStreamTheStateAsServerSentEvents() throws Exception {
    HttpResponse<java.io.InputStream> sse =
        http.send(
            HttpRequest.newBuilder(dashboard.url().resolve("/events")).build(),
            HttpResponse.BodyHandlers.ofInputStream());

    assertThat(sse.statusCode()).isEqualTo(200);
    assertThat(sse.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(sse.body(), StandardCharsets.UTF_8))) {
      assertThat(reader.readLine()).isEqualTo("retry: 2000");
      assertThat(reader.readLine()).isEmpty();
      // the snapshot at connection, then one a second
      for (int i = 0; i < 2; i++) {
        assertThat(reader.readLine()).isEqualTo("event: state");
        String data = reader.readLine();
        assertThat(data).startsWith("data: {");
        assertThat(JsonCodec.readTree(data.substring("data: ".length())).isObject()).isTrue();
        assertThat(reader.readLine()).isEmpty();
      }
    }
  }
}
