package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.InstanceHeartbeat;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;

/**
 * The HTTP side of the dashboard without a broker (its Kafka clients point at a closed port and
 * retry quietly): the page and its assets, the JSON state, input validation of the draw endpoint,
 * the SSE stream, the polling of a fake stream-app instance, and the fleet read from a mock
 * instances topic.
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
    // No rate limit here: these tests send many invalid requests in a row; the limit has its own.
    dashboard =
        DashboardServer.start(
            DashboardClients.connect(kafka),
            TopicNames.from(kafka),
            List.of(app, nowhere),
            DashboardOptions.onPort(0).withDrawRate(0, 0));
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
            "instances",
            "fleet",
            "quality");
    assertThat(json.get("consuming").booleanValue()).isFalse();
    assertThat(json.get("topics").get("images").textValue()).isEqualTo("t.images");
    assertThat(json.get("topics").get("instances").textValue())
        .isEqualTo(TopicNames.DEFAULTS.instances());
    assertThat(json.get("topics").get("decisions").textValue())
        .isEqualTo(TopicNames.DEFAULTS.decisions());
    assertThat(json.get("quality"))
        .isEqualTo(
            JsonCodec.readTree(
                "{\"reports\":[],\"rollouts\":[],\"decisions\":[],\"windowedSkipped\":0,"
                    + "\"undecodable\":{}}"));
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
  void shouldDiscoverTheFleetFromTheInstancesTopicAndPollItsLiveInstances() throws Exception {
    // Given the instances topic with a live instance answering at the fake app, one that stopped
    // beating 30 s ago, and one that shut down cleanly (tombstone)
    Instant now = Instant.now();
    Instant rollout = now.minusSeconds(20);
    String topic = TopicNames.DEFAULTS.instances();
    TopicPartition tp = new TopicPartition(topic, 0);
    QuietMockConsumer fleetConsumer = new QuietMockConsumer();
    fleetConsumer.updatePartitions(
        topic, List.of(new PartitionInfo(topic, 0, null, new Node[0], new Node[0])));
    fleetConsumer.updateBeginningOffsets(Map.of(tp, 0L));
    String fakeAppUrl = "http://127.0.0.1:" + fakeApp.getAddress().getPort();
    List<InstanceHeartbeat> beats =
        List.of(
            TestRecords.heartbeat("up", now, rollout, rollout.plusMillis(640))
                .setHttpAddress(fakeAppUrl)
                .setIntervalMs(60_000) // stays live however slow this test runs
                .build(),
            TestRecords.heartbeat("crashed", now.minusSeconds(30), null, null)
                .setHttpAddress("http://127.0.0.1:1")
                .build(),
            TestRecords.heartbeat("stopped", now, null, null).build());
    fleetConsumer.schedulePollTask(
        () -> {
          long offset = 0;
          for (InstanceHeartbeat h : beats) {
            fleetConsumer.addRecord(
                new ConsumerRecord<>(
                    topic,
                    0,
                    offset++,
                    h.getInstanceId().getBytes(StandardCharsets.UTF_8),
                    ContractSerdes.instanceHeartbeat().encode(h)));
          }
          fleetConsumer.addRecord(
              new ConsumerRecord<>(
                  topic, 0, offset, "stopped".getBytes(StandardCharsets.UTF_8), null));
        });
    Properties kafka = new Properties();
    kafka.setProperty("bootstrap.servers", "127.0.0.1:1");
    DashboardClients nowhere = DashboardClients.connect(kafka);
    nowhere.fleetConsumer().close();

    // When a dashboard with no app URL reads it
    try (DashboardServer fleetDashboard =
        DashboardServer.start(
            new DashboardClients(
                nowhere.consumer(),
                nowhere.producer(),
                fleetConsumer,
                nowhere.qualityConsumer(),
                nowhere.reviewConsumer()),
            TopicNames.DEFAULTS,
            List.of(),
            0)) {

      // Then the fleet panel has the live and the dead instance, and the live one is polled
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> {
                JsonNode json = JsonCodec.readTree(fleetDashboard.stateJson());
                JsonNode fleet = json.get("fleet");
                assertThat(AggregatesTest.list(fleet.get("instances")))
                    .extracting(
                        i -> i.get("instanceId").textValue(), i -> i.get("live").booleanValue())
                    .containsExactly(tuple("up", true), tuple("crashed", false));
                JsonNode up = fleet.get("instances").get(0);
                assertThat(up.get("streamsState").textValue()).isEqualTo("RUNNING");
                assertThat(up.get("partitions")).isEqualTo(JsonCodec.readTree("[0,1]"));
                assertThat(up.get("activeVersion").longValue()).isEqualTo(2);
                assertThat(up.get("eventsPerSecond").doubleValue()).isEqualTo(41.25);
                assertThat(up.get("lag").longValue()).isEqualTo(7);
                assertThat(up.get("convergenceMs").longValue()).isEqualTo(640);
                JsonNode crashed = fleet.get("instances").get(1);
                assertThat(crashed.get("silentForMs").longValue()).isGreaterThanOrEqualTo(30_000);
                assertThat(fleet.get("rollout"))
                    .isEqualTo(
                        JsonCodec.readTree(
                            "{\"recordAt\":"
                                + rollout.toEpochMilli()
                                + ",\"convergenceMs\":640,\"instances\":1}"));
                JsonNode instances = json.get("instances");
                assertThat(AggregatesTest.list(instances))
                    .extracting(
                        i -> i.get("instanceId").textValue(),
                        i -> i.get("url").textValue(),
                        i -> i.get("reachable").booleanValue())
                    .containsExactly(tuple("up", fakeAppUrl, true));
                assertThat(instances.get(0).get("model")).isEqualTo(JsonCodec.readTree(MODEL_JSON));
              });
    }
  }

  /**
   * A MockConsumer that waits a little on an empty poll, as a real one does: the dashboard's
   * consumer threads would otherwise spin.
   */
  private static final class QuietMockConsumer extends MockConsumer<byte[], byte[]> {
    QuietMockConsumer() {
      super("earliest");
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
      if (records.isEmpty()) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return records;
    }
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
  void shouldRefuseInvalidLabelsWithAReasonAndProduceNothing() throws Exception {
    for (String path : List.of("/api/review/label", "/api/draw/label")) {
      HttpResponse<String> empty = post(path, "");
      HttpResponse<String> notJson = post(path, "label=3");
      HttpResponse<String> noId = post(path, "{\"label\":3}");
      HttpResponse<String> tooBig = post(path, "{\"eventId\":\"e-1\",\"label\":10}");
      HttpResponse<String> negative = post(path, "{\"eventId\":\"e-1\",\"label\":-1}");
      HttpResponse<String> text = post(path, "{\"eventId\":\"e-1\",\"label\":\"7\"}");
      HttpResponse<String> fraction = post(path, "{\"eventId\":\"e-1\",\"label\":7.5}");
      HttpResponse<String> longId =
          post(path, "{\"eventId\":\"" + "x".repeat(201) + "\",\"label\":7}");
      HttpResponse<String> control = post(path, "{\"eventId\":\"a\\u0000b\",\"label\":7}");
      // well-formed, but for an event the panel does not show
      HttpResponse<String> unknown = post(path, "{\"eventId\":\"nobody-drew-it\",\"label\":7}");

      assertThat(List.of(empty, notJson, noId, tooBig, negative, text, fraction, longId, control))
          .as(path)
          .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(400));
      assertThat(JsonCodec.readTree(tooBig.body()).get("error").textValue())
          .isEqualTo("label must be a digit 0-9, got 10");
      assertThat(JsonCodec.readTree(noId.body()).get("error").textValue())
          .isEqualTo("eventId must be a non-empty string");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(get(path).statusCode()).isEqualTo(405);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(dashboard.url().resolve(path))
                          .POST(
                              HttpRequest.BodyPublishers.ofByteArray(
                                  new byte[LabelRequest.MAX_BODY_BYTES + 10]))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(413);
    }
    assertThat(post("/api/review/labelx", "{}").statusCode()).isEqualTo(404);
    JsonNode review = JsonCodec.readTree(dashboard.stateJson()).get("review");
    assertThat(review.get("items").isEmpty()).isTrue();
    assertThat(review.get("capacity").intValue()).isEqualTo(ReviewQueue.CAPACITY);
  }

  @Test
  void shouldFailClearlyAndCloseItsKafkaClientsWhenThePortIsTaken() {
    // Given a port already served (by the dashboard of this test)
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
    MockProducer<String, byte[]> producer = new MockProducer<>();
    MockConsumer<byte[], byte[]> fleetConsumer = new MockConsumer<>("earliest");
    MockConsumer<byte[], byte[]> qualityConsumer = new MockConsumer<>("earliest");
    MockConsumer<byte[], byte[]> reviewConsumer = new MockConsumer<>("latest");
    DashboardClients clients =
        new DashboardClients(consumer, producer, fleetConsumer, qualityConsumer, reviewConsumer);

    // When a second dashboard is started on it
    assertThatThrownBy(
            () -> DashboardServer.start(clients, TopicNames.DEFAULTS, List.of(), dashboard.port()))
        // Then the failure says what went wrong, and the clients it was handed are closed
        .isInstanceOf(UncheckedIOException.class)
        .hasMessage("cannot bind the dashboard to 127.0.0.1 port " + dashboard.port())
        .hasCauseInstanceOf(BindException.class);
    assertThat(consumer.closed()).isTrue();
    assertThat(producer.closed()).isTrue();
    assertThat(fleetConsumer.closed()).isTrue();
    assertThat(qualityConsumer.closed()).isTrue();
    assertThat(reviewConsumer.closed()).isTrue();
  }

  /** A dashboard of its own, with {@code options}, closed by the caller. */
  private static DashboardServer dashboardWith(DashboardOptions options) {
    Properties kafka = new Properties();
    kafka.setProperty("bootstrap.servers", "127.0.0.1:1");
    return DashboardServer.start(
        DashboardClients.connect(kafka), TopicNames.from(kafka), List.of(), options);
  }

  private HttpResponse<String> post(URI base, String path, String body, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldRefuseEveryWritingEndpointWithoutTheDrawTokenWhenOneIsSet() throws Exception {
    String token = "s3cret-draw-token-0123456789";
    try (DashboardServer guarded =
        dashboardWith(DashboardOptions.onPort(0).withDrawToken(token).withDrawRate(0, 0))) {
      for (String path : List.of("/api/draw", "/api/draw/label", "/api/review/label")) {
        // an invalid body: 400 proves the request got past the token, and sends nothing
        HttpResponse<String> none = post(guarded.url(), path, "", null);
        HttpResponse<String> wrong = post(guarded.url(), path, "", "Bearer " + token + "x");
        HttpResponse<String> prefix = post(guarded.url(), path, "", "Bearer s3cret");
        HttpResponse<String> basic = post(guarded.url(), path, "", "Basic " + token);
        HttpResponse<String> right = post(guarded.url(), path, "", "Bearer " + token);

        assertThat(List.of(none, wrong, prefix, basic))
            .as(path)
            .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(401));
        assertThat(none.headers().firstValue("WWW-Authenticate"))
            .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(JsonCodec.readTree(none.body()).get("error").textValue())
            .isEqualTo("this dashboard needs its draw token (Authorization: Bearer <token>)");
        assertThat(none.body()).doesNotContain(token);
        assertThat(right.statusCode()).as(path).isEqualTo(400);
      }
      // reading stays open
      HttpResponse<String> state =
          http.send(
              HttpRequest.newBuilder(guarded.url().resolve("/api/state")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(state.statusCode()).isEqualTo(200);
      assertThat(state.body()).doesNotContain(token);
    }
  }

  @Test
  void shouldNeedNoTokenWhenNoneIsSet() throws Exception {
    assertThat(post(dashboard.url(), "/api/draw", "", null).statusCode()).isEqualTo(400);
  }

  @Test
  void shouldAnswer429WithRetryAfterOnceAClientSpendsItsBurst() throws Exception {
    // one request back every 20 s: the burst of 3 is all this test can spend
    try (DashboardServer limited =
        dashboardWith(DashboardOptions.onPort(0).withDrawRate(0.05, 3))) {
      List<Integer> codes = new java.util.ArrayList<>();
      for (String path :
          List.of("/api/draw", "/api/draw/label", "/api/review/label", "/api/draw")) {
        codes.add(post(limited.url(), path, "", null).statusCode());
      }
      HttpResponse<String> refused = post(limited.url(), "/api/review/label", "", null);

      // the three writing endpoints share one bucket per client
      assertThat(codes).containsExactly(400, 400, 400, 429);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After"))
          .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 20L));
      assertThat(JsonCodec.readTree(refused.body()).get("error").textValue())
          .startsWith("too many requests, retry in ");
      // reading is not limited
      for (int i = 0; i < 5; i++) {
        assertThat(
                http.send(
                        HttpRequest.newBuilder(limited.url().resolve("/api/state")).build(),
                        HttpResponse.BodyHandlers.ofString())
                    .statusCode())
            .isEqualTo(200);
      }
    }
  }

  @Test
  void shouldRateLimitTokenGuessesToo() throws Exception {
    try (DashboardServer guarded =
        dashboardWith(
            DashboardOptions.onPort(0)
                .withDrawToken("the-real-token-0123456789")
                .withDrawRate(0.05, 2))) {
      List<Integer> codes = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        codes.add(post(guarded.url(), "/api/draw", "", "Bearer guess-" + i).statusCode());
      }

      assertThat(codes).containsExactly(401, 401, 429);
    }
  }

  @Test
  void shouldListenOnLoopbackOnlyByDefault() throws Exception {
    assertThat(dashboard.url().getHost()).isEqualTo("127.0.0.1");
    InetAddress external = nonLoopbackAddress();

    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://"
                                    + external.getHostAddress()
                                    + ":"
                                    + dashboard.port()
                                    + "/api/state"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void shouldListenOnEveryInterfaceWhenBoundToTheWildcard() throws Exception {
    InetAddress external = nonLoopbackAddress();
    try (DashboardServer everywhere =
        dashboardWith(DashboardOptions.onPort(0).withBind("0.0.0.0"))) {
      HttpResponse<String> there =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://"
                              + external.getHostAddress()
                              + ":"
                              + everywhere.port()
                              + "/api/state"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(there.statusCode()).isEqualTo(200);
      assertThat(everywhere.url().getHost()).isEqualTo("localhost");
    }
  }

  @Test
  void shouldRefuseABindAddressThatDoesNotResolveAndCloseItsClients() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("latest");
    MockProducer<String, byte[]> producer = new MockProducer<>();
    DashboardClients clients =
        new DashboardClients(
            consumer,
            producer,
            new MockConsumer<>("earliest"),
            new MockConsumer<>("earliest"),
            new MockConsumer<>("latest"));

    assertThatThrownBy(
            () ->
                DashboardServer.start(
                    clients,
                    TopicNames.DEFAULTS,
                    List.of(),
                    DashboardOptions.onPort(0).withBind("no-such-host.invalid")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot bind the dashboard: host 'no-such-host.invalid' does not resolve");
    assertThat(consumer.closed()).isTrue();
    assertThat(producer.closed()).isTrue();
  }

  /** An IPv4 address of this machine on an interface that is up and not loopback. */
  private static InetAddress nonLoopbackAddress() throws Exception {
    java.util.Optional<InetAddress> found =
        NetworkInterface.networkInterfaces()
            .filter(
                nic -> {
                  try {
                    return nic.isUp() && !nic.isLoopback();
                  } catch (java.net.SocketException e) {
                    return false;
                  }
                })
            .flatMap(NetworkInterface::inetAddresses)
            .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
            .findFirst();
    assumeTrue(
        found.isPresent(),
        "this machine has no non-loopback IPv4 address, so reachability from elsewhere cannot be"
            + " told apart from loopback");
    return found.get();
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
