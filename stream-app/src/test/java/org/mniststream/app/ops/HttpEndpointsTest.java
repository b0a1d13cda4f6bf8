package org.mniststream.app.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.models.RegistryStatus;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.Route;
import org.mniststream.schemas.json.JsonCodec;

class HttpEndpointsTest {
  private final PrometheusMeterRegistry prometheus =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<Optional<String>> notReady =
      new AtomicReference<>(Optional.of("no version of mnist can serve yet"));
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpEndpoints http;

  @BeforeEach
  void start() {
    RegistryStatus status =
        new RegistryStatus(
            "mnist", null, null, 0, 0, null, null, List.of(), null, List.of(), List.of(),
            List.of());
    http = HttpEndpoints.start("127.0.0.1", 0, notReady::get, () -> status, prometheus);
  }

  @AfterEach
  void stop() {
    http.close();
    prometheus.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldBindAnEphemeralPortAndAnswerLiveness() throws Exception {
    assertThat(http.port()).isPositive();
    assertThat(get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswer503UntilReadyThen200() throws Exception {
    HttpResponse<String> before = get("/ready");
    notReady.set(Optional.empty());
    HttpResponse<String> after = get("/ready");

    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).contains("no version of mnist");
    assertThat(after.statusCode()).isEqualTo(200);
  }

  @Test
  void shouldServeTheModelStatusAsJson() throws Exception {
    HttpResponse<String> response = get("/model");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode json = JsonCodec.readTree(response.body());
    assertThat(json.get("modelName").textValue()).isEqualTo("mnist");
    assertThat(json.get("ready").booleanValue()).isFalse();
  }

  @Test
  void shouldServeTheCountsTheDashboardShowsAsJson() throws Exception {
    AppMetrics metrics = new AppMetrics(prometheus);
    metrics.eventIn();
    metrics.eventIn();
    metrics.eventIn();
    metrics.predictions(Route.ACTIVE, 1, 2);
    metrics.predictions(Route.ACTIVE, 2, 3);
    metrics.predictions(Route.SHADOW, 3, 4);
    metrics.deadLetter(DeadLetterReason.MISSING_KEY);
    metrics.modelSwap();
    metrics.batch(8, 2_000_000);
    metrics.batch(2, 1_000_000);

    HttpResponse<String> response = get("/stats");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(JsonCodec.readTree(response.body()))
        .isEqualTo(
            JsonCodec.readTree(
                "{\"eventsIn\":3,\"predictionsByRoute\":{\"ACTIVE\":5,\"SHADOW\":4},"
                    + "\"deadLetters\":1,\"swaps\":1,\"meanBatchSize\":5.0}"));
  }

  @Test
  void shouldServeNoMeanBatchSizeBeforeTheFirstBatch() throws Exception {
    new AppMetrics(prometheus);

    JsonNode json = JsonCodec.readTree(get("/stats").body());

    assertThat(json.get("eventsIn").longValue()).isZero();
    assertThat(json.get("predictionsByRoute").isEmpty()).isTrue();
    assertThat(json.get("meanBatchSize").isNull()).isTrue();
  }

  @Test
  void shouldExposeTheAppMetersInPrometheusText() throws Exception {
    AppMetrics metrics = new AppMetrics(prometheus);
    metrics.eventIn();
    metrics.deadLetter(DeadLetterReason.MISSING_KEY);
    metrics.batch(8, 2_000_000);

    String body = get("/metrics").body();

    assertThat(body)
        .contains("mnist_events_in_total 1.0")
        .contains("mnist_dead_letters_total{reason=\"MISSING_KEY\"} 1.0")
        .contains("mnist_dead_letters_total{reason=\"EMPTY_VALUE\"} 0.0")
        .contains("mnist_inference_batch_size_bucket")
        .contains("mnist_inference_latency_seconds_bucket");
  }

  @Test
  void shouldAnswerOnLoopbackOnlyWhenBoundToLoopback() throws Exception {
    assertThat(http.address().isLoopbackAddress()).isTrue();
    assertThat(get("/health").statusCode()).isEqualTo(200);

    InetAddress external = nonLoopbackAddress();

    assertThatThrownBy(() -> client.send(healthAt(external, http.port()), BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void shouldAnswerOnEveryInterfaceWhenBoundToTheWildcard() throws Exception {
    InetAddress external = nonLoopbackAddress();
    RegistryStatus status =
        new RegistryStatus(
            "mnist", null, null, 0, 0, null, null, List.of(), null, List.of(), List.of(),
            List.of());
    try (HttpEndpoints everywhere =
        HttpEndpoints.start("0.0.0.0", 0, notReady::get, () -> status, prometheus)) {
      assertThat(everywhere.address().isAnyLocalAddress()).isTrue();

      HttpResponse<String> there =
          client.send(healthAt(external, everywhere.port()), BodyHandlers.ofString());
      HttpResponse<String> here =
          client.send(
              healthAt(InetAddress.getLoopbackAddress(), everywhere.port()),
              BodyHandlers.ofString());

      assertThat(there.statusCode()).isEqualTo(200);
      assertThat(here.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldRefuseAHostThatDoesNotResolveInOneLine() {
    assertThatThrownBy(
            () ->
                HttpEndpoints.start(
                    "no-such-host.invalid", 0, notReady::get, () -> null, prometheus))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot bind the HTTP endpoint: host 'no-such-host.invalid' does not resolve");
  }

  private static HttpRequest healthAt(InetAddress address, int port) {
    String host =
        address instanceof Inet6Address
            ? "[" + address.getHostAddress().split("%", 2)[0] + "]"
            : address.getHostAddress();
    return HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/health"))
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  /** An IPv4 address of this machine on an interface that is up and not loopback. */
  private static InetAddress nonLoopbackAddress() throws Exception {
    Optional<InetAddress> found =
        NetworkInterface.networkInterfaces()
            .filter(HttpEndpointsTest::upAndNotLoopback)
            .flatMap(NetworkInterface::inetAddresses)
            .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
            .findFirst();
    assumeTrue(
        found.isPresent(),
        "this machine has no non-loopback IPv4 address, so reachability from elsewhere cannot be"
            + " told apart from loopback");
    return found.get();
  }

  private static boolean upAndNotLoopback(NetworkInterface nic) {
    try {
      return nic.isUp() && !nic.isLoopback();
    } catch (SocketException e) {
      return false;
    }
  }

  @Test
  void shouldRefuseOtherMethods() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + "/ready"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
  }
}
