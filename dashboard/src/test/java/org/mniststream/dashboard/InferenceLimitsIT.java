package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.testing.KafkaFixture;

/**
 * The inference gateway's limits over plain HTTP, on a real broker with no stream app behind it (so
 * no prediction ever comes back): the timeout answers 504, a request beyond the in-flight bound
 * answers 429 at once, and with a draw token a request without it answers 401.
 */
class InferenceLimitsIT {
  private final HttpClient http = HttpClient.newHttpClient();
  private DashboardServer dashboard;

  @AfterEach
  void tearDown() {
    if (dashboard != null) {
      dashboard.close();
    }
  }

  private void start(DashboardOptions options) {
    KafkaFixture kafka = KafkaFixture.shared();
    TopicNames topics = TopicNames.withPrefix("il-" + UUID.randomUUID() + ".");
    kafka.createTopic(topics.images(), 1, Map.of());
    kafka.createTopic(topics.predictions(), 1, Map.of());
    kafka.createTopic(topics.deadLetters(), 1, Map.of());
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", kafka.bootstrapServers());
    dashboard = DashboardServer.start(DashboardClients.connect(client), topics, List.of(), options);
  }

  private static InferenceOptions inference(int maxInFlight, Duration timeout) {
    return new InferenceOptions(InferenceOptions.DEFAULT_MODEL, 0, 100, maxInFlight, timeout);
  }

  @Test
  void shouldAnswer504WhenNoPredictionComesBackInTime() throws Exception {
    start(DashboardOptions.onPort(0).withInference(inference(8, Duration.ofSeconds(2))));

    long started = System.nanoTime();
    HttpResponse<String> r = infer(null);
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
    assertThat(JsonCodec.readTree(r.body()).get("error").textValue()).isNotBlank();
    assertThat(seconds).isGreaterThanOrEqualTo(1.9);
  }

  @Test
  void shouldAnswer429AtOnceBeyondTheInFlightBound() throws Exception {
    start(DashboardOptions.onPort(0).withInference(inference(1, Duration.ofSeconds(8))));

    // the first request holds the only slot until its timeout
    CompletableFuture<HttpResponse<String>> first =
        http.sendAsync(request(null), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> second = null;
    for (int i = 0; i < 50 && (second == null || second.statusCode() != 429); i++) {
      Thread.sleep(100);
      second = infer(null);
    }

    assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
    assertThat(second.headers().firstValue("Retry-After")).isPresent();
    assertThat(JsonCodec.readTree(second.body()).get("error").textValue())
        .startsWith("too many inferences in flight (1)");
    assertThat(first.get().statusCode()).isEqualTo(504);
  }

  @Test
  void shouldAnswer401WithoutTheDrawTokenWhenOneIsSet() throws Exception {
    String token = "oip-token-0123456789abcdef";
    start(
        DashboardOptions.onPort(0)
            .withDrawToken(token)
            .withInference(inference(8, Duration.ofSeconds(1))));

    HttpResponse<String> without = infer(null);
    HttpResponse<String> wrong = infer("Bearer not-the-token");
    HttpResponse<String> with = infer("Bearer " + token);

    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(without.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(wrong.statusCode()).isEqualTo(401);
    // admitted: nothing answers behind it, so it times out
    assertThat(with.statusCode()).isEqualTo(504);
  }

  private HttpResponse<String> infer(String authorization) throws Exception {
    return http.send(request(authorization), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(String authorization) {
    StringBuilder data = new StringBuilder("0");
    for (int i = 1; i < 784; i++) {
      data.append(",0");
    }
    String body =
        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,784],\"datatype\":\"UINT8\",\"data\":["
            + data
            + "]}]}";
    HttpRequest.Builder b =
        HttpRequest.newBuilder(dashboard.url().resolve("/v2/models/mnist/infer"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b.build();
  }
}
