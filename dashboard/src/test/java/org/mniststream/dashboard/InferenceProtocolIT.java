package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.kafka.FreePorts;
import org.mniststream.kafka.StreamAppLauncher;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.IdxReader;
import org.mniststream.trainer.data.MnistFiles;
import org.mniststream.trainer.training.SubsetModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol gateway on a real stack: a broker, the subset CNN published by the
 * trainer, the stream app as a child JVM, and the dashboard. The client knows only the protocol:
 * {@link HttpClient} and JSON text. Ends with a small load run whose latency and throughput are
 * logged (the figures of docs/BENCHMARKS.md); {@code -Doip.clients} and {@code -Doip.requests} size
 * it.
 */
class InferenceProtocolIT {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceProtocolIT.class);
  private static final Duration APP_READY = Duration.ofMinutes(3);

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      try {
        cleanup.get(i).close();
      } catch (Exception e) {
        LOG.warn("cleanup failed", e);
      }
    }
  }

  @Test
  void shouldAnswerInferenceRequestsWithThePredictionThatComesBackThroughKafka() throws Exception {
    // Given a broker, a published model, the stream app and the dashboard
    KafkaFixture kafka = KafkaFixture.start();
    cleanup.add(kafka);
    TopicNames topics = TopicNames.DEFAULTS;
    kafka.createTopic(topics.images(), 2, Map.of());
    kafka.createTopic(topics.predictions(), 2, Map.of());
    kafka.createTopic(topics.shadowPredictions(), 2, Map.of());
    kafka.createTopic(topics.deadLetters(), 1, Map.of());
    kafka.createTopic(topics.labels(), 2, Map.of());
    kafka.createTopic(topics.quality(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(
        topics.models(), 1, Map.of("cleanup.policy", "compact", "max.message.bytes", "4194304"));
    kafka.createTopic(topics.rollouts(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.instances(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.decisions(), 1, Map.of());
    kafka.createTopic(topics.review(), 2, Map.of());
    kafka.createTopic(topics.trustedKeys(), 1, Map.of("cleanup.policy", "compact"));
    assertThat(
            TrainerCli.execute(
                "publish",
                "--model-dir",
                SubsetModels.subsetCnnDir().toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers()))
        .isZero();
    int appPort = FreePorts.loopback();
    ChildJvm app = startStreamApp(kafka.bootstrapServers(), appPort);
    URI appUrl = URI.create("http://127.0.0.1:" + appPort);
    await()
        .atMost(APP_READY)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
        .untilAsserted(
            () -> {
              assertThat(app.isAlive()).as("stream app alive (see its log)").isTrue();
              assertThat(get(appUrl.resolve("/ready")).statusCode()).isEqualTo(200);
            });
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", kafka.bootstrapServers());
    DashboardServer dashboard =
        DashboardServer.start(
            DashboardClients.connect(client),
            topics,
            List.of(),
            DashboardOptions.onPort(0)
                .withInference(new InferenceOptions("mnist", 0, 1, 64, Duration.ofSeconds(20))));
    cleanup.add(dashboard);
    URI base = URI.create("http://127.0.0.1:" + dashboard.port());

    // Then it is live, and ready once its consumer has its partitions
    assertThat(get(base.resolve("/v2/health/live")).statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(get(base.resolve("/v2/health/ready")).statusCode()).isEqualTo(200));
    assertThat(get(base.resolve("/v2/models/mnist/ready")).statusCode()).isEqualTo(200);

    // When a digit of the test set is sent as 784 UINT8 values
    IdxDataset images = testImages();
    byte[] digit = images.pixelsOf(0);
    int truth = images.label(0);
    String uint8 =
        IntStream.range(0, 784)
            .mapToObj(i -> Integer.toString(digit[i] & 0xff))
            .collect(Collectors.joining(",", "[", "]"));
    HttpResponse<String> first = infer(base, "mnist", request("req-1", "[1,784]", "UINT8", uint8));

    // Then the answer is the protocol's, with the prediction of the model that answered
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonNode answer = JsonCodec.readTree(first.body());
    assertThat(answer.get("model_name").asText()).isEqualTo("mnist");
    assertThat(answer.get("model_version").asText()).isEqualTo("1");
    assertThat(answer.get("id").asText()).isEqualTo("req-1");
    JsonNode probabilities = answer.get("outputs").get(0);
    assertThat(probabilities.get("name").asText()).isEqualTo("probabilities");
    assertThat(probabilities.get("datatype").asText()).isEqualTo("FP32");
    assertThat(probabilities.get("shape").toString()).isEqualTo("[1,10]");
    assertThat(probabilities.get("data")).hasSize(10);
    double sum = 0;
    for (JsonNode p : probabilities.get("data")) {
      sum += p.asDouble();
    }
    assertThat(sum).isBetween(0.99, 1.01);
    JsonNode predicted = answer.get("outputs").get(1);
    assertThat(predicted.get("name").asText()).isEqualTo("predicted_class");
    assertThat(predicted.get("datatype").asText()).isEqualTo("INT64");
    assertThat(predicted.get("shape").toString()).isEqualTo("[1]");
    int predictedClass = predicted.get("data").get(0).asInt();
    assertThat(predictedClass).isBetween(0, 9);
    LOG.info("Test digit 0 (a {}) answered {} over the protocol", truth, predictedClass);

    // And the same digit as FP32 [1,28,28] and as a base64 PNG gives the same class
    String fp32 =
        IntStream.range(0, 28)
            .mapToObj(
                r ->
                    IntStream.range(0, 28)
                        .mapToObj(c -> Double.toString((digit[r * 28 + c] & 0xff) / 255.0))
                        .collect(Collectors.joining(",", "[", "]")))
            .collect(Collectors.joining(",", "[[", "]]"));
    HttpResponse<String> asFloats = infer(base, "mnist", request(null, "[1,28,28]", "FP32", fp32));
    assertThat(asFloats.statusCode()).as(asFloats.body()).isEqualTo(200);
    JsonNode floatsAnswer = JsonCodec.readTree(asFloats.body());
    assertThat(floatsAnswer.get("id").asText()).startsWith("oip-");
    assertThat(floatsAnswer.get("outputs").get(1).get("data").get(0).asInt())
        .isEqualTo(predictedClass);
    HttpResponse<String> asPng =
        infer(base, "mnist", request("png", "[1]", "BYTES", "[\"" + png(digit) + "\"]"));
    assertThat(asPng.statusCode()).as(asPng.body()).isEqualTo(200);
    assertThat(JsonCodec.readTree(asPng.body()).get("outputs").get(1).get("data").get(0).asInt())
        .isEqualTo(predictedClass);

    // And bad requests are 400s with an error, an unknown model a 404
    assertError(infer(base, "mnist", request("x", "[1,785]", "UINT8", uint8)), 400, "shape");
    assertError(infer(base, "mnist", request("x", "[1,784]", "INT8", uint8)), 400, "datatype");
    assertError(
        infer(base, "mnist", request("x", "[1,784]", "UINT8", uint8.replaceFirst("\\d+", "300"))),
        400,
        "outside 0-255");
    assertError(infer(base, "mnist", "{\"inputs\": [}"), 400, "malformed JSON");
    assertError(
        infer(base, "other", request("x", "[1,784]", "UINT8", uint8)), 404, "unknown model");
    assertError(get(base.resolve("/v2/models/other")), 404, "unknown model");

    // And the metadata names the model, the version seen, the tensors
    HttpResponse<String> metadata = get(base.resolve("/v2/models/mnist"));
    assertThat(metadata.statusCode()).isEqualTo(200);
    JsonNode meta = JsonCodec.readTree(metadata.body());
    assertThat(meta.get("name").asText()).isEqualTo("mnist");
    assertThat(meta.get("platform").asText()).isEqualTo("mnist-stream");
    assertThat(meta.get("versions").toString()).isEqualTo("[\"1\"]");
    assertThat(meta.get("outputs").toString()).contains("probabilities", "predicted_class");

    // When N clients send M requests each: every one is answered, and the figures are logged
    int clients = Integer.getInteger("oip.clients", 8);
    int perClient = Integer.getInteger("oip.requests", 50);
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      byte[] px = images.pixelsOf(i % images.count());
      bodies.add(
          request(
              "load-" + i,
              "[1,784]",
              "UINT8",
              IntStream.range(0, 784)
                  .mapToObj(j -> Integer.toString(px[j] & 0xff))
                  .collect(Collectors.joining(",", "[", "]"))));
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    cleanup.add(pool::shutdownNow);
    long start = System.nanoTime();
    List<Future<long[]>> runs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int offset = c;
      runs.add(
          pool.submit(
              () -> {
                long[] micros = new long[perClient];
                for (int i = 0; i < perClient; i++) {
                  long t = System.nanoTime();
                  HttpResponse<String> r =
                      infer(base, "mnist", bodies.get((offset + i) % bodies.size()));
                  assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                  micros[i] = (System.nanoTime() - t) / 1000;
                }
                return micros;
              }));
    }
    List<Long> all = new ArrayList<>();
    for (Future<long[]> f : runs) {
      for (long m : f.get()) {
        all.add(m);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    all.sort(null);
    LOG.info(
        "OIP load: {} clients x {} requests = {} in {} s: {} requests/s, latency p50 {} ms, p99 {}"
            + " ms, max {} ms",
        clients,
        perClient,
        all.size(),
        String.format("%.1f", seconds),
        String.format("%.1f", all.size() / seconds),
        String.format("%.1f", all.get(all.size() / 2) / 1000.0),
        String.format("%.1f", all.get((int) Math.ceil(all.size() * 0.99) - 1) / 1000.0),
        String.format("%.1f", all.get(all.size() - 1) / 1000.0));
    assertThat(all).hasSize(clients * perClient);
    assertThat(dashboard.stateJson()).isNotEmpty();
  }

  private static String request(String id, String shape, String datatype, String data) {
    return "{"
        + (id == null ? "" : "\"id\": \"" + id + "\", ")
        + "\"inputs\": [{\"name\": \"image\", \"shape\": "
        + shape
        + ", \"datatype\": \""
        + datatype
        + "\", \"data\": "
        + data
        + "}]}";
  }

  private static void assertError(HttpResponse<String> response, int status, String text)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(JsonCodec.readTree(response.body()).get("error").asText()).contains(text);
  }

  private HttpResponse<String> infer(URI base, String model, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve("/v2/models/" + model + "/infer"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String png(byte[] pixels) throws IOException {
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, 28, 28, pixels);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return Base64.getEncoder().encodeToString(out.toByteArray());
  }

  private static IdxDataset testImages() throws IOException {
    Path subset = SubsetModels.subsetDir();
    return IdxReader.read(
        subset.resolve(MnistFiles.TEST_IMAGES + ".gz"),
        subset.resolve(MnistFiles.TEST_LABELS + ".gz"));
  }

  private ChildJvm startStreamApp(String bootstrapServers, int httpPort) throws IOException {
    Path stateDir = Files.createTempDirectory("oip-it-state");
    Path log = Path.of("target", "stream-app-oip-it.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    ChildJvm app =
        StreamAppLauncher.launch(
            "stream-app",
            List.of(
                "bootstrap.servers=" + bootstrapServers,
                "http.port=" + httpPort,
                "application.id=oip-it-" + UUID.randomUUID(),
                "state.dir=" + stateDir,
                "instance.id=oip-it-app",
                "http.advertised-host=127.0.0.1"),
            List.of("-Xmx768m"),
            log);
    cleanup.add(app::close);
    return app;
  }
}
