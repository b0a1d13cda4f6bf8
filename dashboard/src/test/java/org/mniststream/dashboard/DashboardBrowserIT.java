package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.kafka.FreePorts;
import org.mniststream.kafka.StreamAppLauncher;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.IdxReader;
import org.mniststream.trainer.data.MnistFiles;
import org.mniststream.trainer.training.SubsetModels;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard in a real browser on a real stack: a Kafka broker, the CNN trained on the MNIST
 * subset published by the trainer, the stream app as a child JVM, labelled image events flowing,
 * and headless Chromium driven by Selenium. The page must load, its numbers must move while events
 * flow, a digit drawn on its canvas must come back classified, through Kafka and the app, and the
 * app, which the dashboard is not told of, must show in the fleet panel from its heartbeats, and a
 * quality report and a judge's decision produced to their topics must show in the quality panel.
 *
 * <p>Needs Debian's {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (or the paths in
 * {@code -Ddashboard.chromium} / {@code -Ddashboard.chromedriver}); skipped without them. Leaves a
 * screenshot in {@code target/dashboard.png}.
 */
class DashboardBrowserIT {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardBrowserIT.class);
  private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
  private static final Duration APP_READY = Duration.ofMinutes(3);
  private static final Duration ROUND_TRIP = Duration.ofSeconds(60);
  private static final String APP_INSTANCE_ID = "dashboard-it-app";

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
  void shouldShowTheLiveStreamAndClassifyADigitDrawnInTheBrowser() throws Exception {
    HeadlessChromium.assumeInstalled();

    // Given a broker with the product's topics and a trained model published
    KafkaFixture kafka = KafkaFixture.start();
    cleanup.add(kafka);
    TopicNames topics = TopicNames.DEFAULTS;
    kafka.createTopic(topics.labels(), 2, Map.of());
    kafka.createTopic(topics.quality(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.images(), 2, Map.of());
    kafka.createTopic(topics.predictions(), 2, Map.of());
    kafka.createTopic(topics.shadowPredictions(), 2, Map.of());
    kafka.createTopic(topics.deadLetters(), 1, Map.of());
    kafka.createTopic(
        topics.models(), 1, Map.of("cleanup.policy", "compact", "max.message.bytes", "4194304"));
    kafka.createTopic(topics.rollouts(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.instances(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.decisions(), 1, Map.of());
    kafka.createTopic(topics.review(), 2, Map.of());
    kafka.createTopic(topics.trustedKeys(), 1, Map.of("cleanup.policy", "compact"));
    Path modelDir = SubsetModels.subsetCnnDir();
    assertThat(
            TrainerCli.execute(
                "publish",
                "--model-dir",
                modelDir.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers()))
        .isZero();

    // and the stream app running in its own JVM
    int appPort = FreePorts.loopback();
    ChildJvm app = startStreamApp(kafka.bootstrapServers(), appPort);
    URI appUrl = URI.create("http://127.0.0.1:" + appPort);
    await()
        .atMost(APP_READY)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(app.isAlive()).as("stream app alive (see its log)").isTrue();
              assertThat(status(appUrl.resolve("/ready"))).isEqualTo(200);
            });

    // and the dashboard, consuming, told of no app: it finds it on the instances topic
    Properties clientProps = new Properties();
    clientProps.setProperty("bootstrap.servers", kafka.bootstrapServers());
    DashboardServer dashboard =
        DashboardServer.start(DashboardClients.connect(clientProps), topics, List.of(), 0);
    cleanup.add(dashboard);
    await().atMost(Duration.ofSeconds(60)).until(dashboard::consuming);

    // When labelled images flow (with a few bad ones) while a browser shows the page
    EventFlow flow = new EventFlow(kafka.bootstrapServers(), topics.images());
    cleanup.add(flow);
    flow.start();
    WebDriver browser = HeadlessChromium.start();
    cleanup.add(browser::quit);
    browser.get(dashboard.url().toString());
    assertThat(browser.getTitle()).contains("mnist-stream");

    // Then the numbers move
    await().atMost(ROUND_TRIP).untilAsserted(() -> assertThat(processed(browser)).isPositive());
    long first = processed(browser);
    await()
        .atMost(ROUND_TRIP)
        .untilAsserted(() -> assertThat(processed(browser)).isGreaterThan(first));
    await()
        .atMost(ROUND_TRIP)
        .untilAsserted(
            () -> {
              assertThat(browser.findElements(By.cssSelector("#strip .tile canvas"))).isNotEmpty();
              assertThat(browser.findElement(By.id("instances")).getText())
                  .contains(APP_INSTANCE_ID, "v1", "ready");
              WebElement row =
                  browser.findElement(
                      By.cssSelector("#fleet tr.live[data-instance='" + APP_INSTANCE_ID + "']"));
              assertThat(row.getText()).contains(appUrl.toString(), "RUNNING", "v1");
              assertThat(browser.findElement(By.id("fleet-count")).getText()).isEqualTo("1 live");
              assertThat(browser.findElement(By.id("kpi-acc")).getText()).matches("\\d+\\.\\d");
            });

    // When a person draws a 7 on the canvas and clicks classify
    WebElement canvas = browser.findElement(By.id("draw-canvas"));
    new Actions(browser)
        .moveToElement(canvas, -70, -85)
        .clickAndHold()
        .moveByOffset(35, 0)
        .moveByOffset(35, 0)
        .moveByOffset(40, 0)
        .moveByOffset(-15, 30)
        .moveByOffset(-15, 30)
        .moveByOffset(-15, 30)
        .moveByOffset(-15, 30)
        .moveByOffset(-15, 30)
        .moveByOffset(-10, 30)
        .release()
        .perform();
    browser.findElement(By.id("classify")).click();

    // Then its prediction comes back through Kafka and shows on the page
    WebElement result = browser.findElement(By.id("draw-result"));
    await()
        .atMost(ROUND_TRIP)
        .untilAsserted(() -> assertThat(result.getAttribute("data-state")).isEqualTo("done"));
    String eventId = result.getAttribute("data-event-id");
    String predicted = result.getAttribute("data-predicted");
    assertThat(eventId).startsWith("dashboard-");
    assertThat(predicted).matches("[0-9]");
    assertThat(browser.findElement(By.id("draw-digit")).getText()).isEqualTo(predicted);
    JsonNode drawn =
        AggregatesTest.list(JsonCodec.readTree(dashboard.stateJson()).get("drawn")).stream()
            .filter(d -> eventId.equals(d.get("eventId").textValue()))
            .findFirst()
            .orElseThrow();
    assertThat(drawn.get("status").textValue()).isEqualTo("classified");
    assertThat(drawn.get("predicted").asText()).isEqualTo(predicted);
    LOG.info("The drawn 7 came back as {} ({})", predicted, eventId);

    // When the person says "wrong, it was N" (any digit but the predicted one)
    String truth = "7".equals(predicted) ? "1" : "7";
    browser
        .findElement(By.cssSelector("#draw-wrong-digits button[data-digit='" + truth + "']"))
        .click();

    // Then the page thanks them: a label event for the drawing went to the labels topic
    await()
        .atMost(ROUND_TRIP)
        .untilAsserted(
            () ->
                assertThat(browser.findElement(By.id("draw-wrong-status")).getText())
                    .isEqualTo(
                        "thanks: labelled " + truth + " (a label event for " + eventId + ")"));

    // When the quality app reports on v1 and the judge decides (their records, produced here: the
    // app of this test runs without them)
    QualityReport quality =
        TestRecords.qualityReport(1, "ACTIVE", 2000, 1980).setLatencyP99Ms(87).build();
    flow.send(
        topics.quality(),
        TestRecords.qualityKey(quality),
        ContractSerdes.qualityReport().encode(quality));
    JudgeDecision decision =
        TestRecords.decision(0, "ROLLBACK", "v5 <b>worse</b> than v4", Instant.now());
    flow.send(topics.decisions(), "mnist", ContractSerdes.judgeDecision().encode(decision));

    // Then the quality panel shows them
    await()
        .atMost(ROUND_TRIP)
        .ignoreExceptionsInstanceOf(WebDriverException.class) // not there yet, or re-rendered
        .untilAsserted(
            () -> {
              assertThat(
                      browser
                          .findElement(
                              By.cssSelector("#quality tr[data-version='1'][data-route='ACTIVE']"))
                          .getText())
                  .contains("2,000", "99.00 % [98.5, 99.5]", "0.012", "87");
              assertThat(
                      browser
                          .findElement(
                              By.cssSelector(
                                  "#decisions tr[data-decision='"
                                      + decision.getDecisionId()
                                      + "']"))
                          .getText())
                  .contains("ROLLBACK", "worse", "v5 <b>worse</b> than v4");
            });
    assertThat(HeadlessChromium.severeConsoleMessages(browser)).isEmpty();
    // Half a minute of flow, so the screenshot's charts have something to show
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(processed(browser)).isGreaterThan(1_000));
    HeadlessChromium.screenshot(browser, SCREENSHOT);
    LOG.info("Screenshot: {}", SCREENSHOT.toAbsolutePath());
  }

  private static long processed(WebDriver browser) {
    String text = browser.findElement(By.id("processed-total")).getText().replaceAll("[^0-9]", "");
    return text.isEmpty() ? 0 : Long.parseLong(text);
  }

  private ChildJvm startStreamApp(String bootstrapServers, int httpPort) throws IOException {
    Path stateDir = Files.createTempDirectory("dashboard-it-state");
    Path log = Path.of("target", "stream-app-it.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    LOG.info("Starting the stream app (log: {})", log);
    ChildJvm app =
        StreamAppLauncher.launch(
            "stream-app",
            List.of(
                "bootstrap.servers=" + bootstrapServers,
                "http.port=" + httpPort,
                "application.id=dashboard-it-" + UUID.randomUUID(),
                "state.dir=" + stateDir,
                "instance.id=" + APP_INSTANCE_ID,
                "http.advertised-host=127.0.0.1"),
            List.of("-Xmx768m"),
            log);
    cleanup.add(app::close);
    return app;
  }

  private int status(URI uri) {
    try {
      return http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * Labelled test images of the subset at about 40 a second, with one bad event in 25 (a pixel
   * count that does not match its size) so the dead-letter panel has something to show.
   */
  private static final class EventFlow implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final IdxDataset images;
    private final ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dashboard-it-events");
              t.setDaemon(true);
              return t;
            });
    private final AtomicInteger sent = new AtomicInteger();

    EventFlow(String bootstrapServers, String topic) throws IOException {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      this.producer = new KafkaProducer<>(props);
      this.topic = topic;
      Path subset = SubsetModels.subsetDir();
      this.images =
          IdxReader.read(
              subset.resolve(MnistFiles.TEST_IMAGES + ".gz"),
              subset.resolve(MnistFiles.TEST_LABELS + ".gz"));
    }

    /** One record of another contract, on the flow's producer. */
    void send(String topic, String key, byte[] value) throws Exception {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    void start() {
      timer.scheduleAtFixedRate(this::sendOne, 0, 25, TimeUnit.MILLISECONDS);
    }

    private void sendOne() {
      int i = sent.getAndIncrement();
      int index = i % images.count();
      byte[] pixels = images.pixelsOf(index);
      if (i % 25 == 24) {
        pixels = java.util.Arrays.copyOf(pixels, 700);
      }
      ImageEvent event =
          ImageEvent.newBuilder()
              .setEventId("it-" + i)
              .setSource("dashboard-it")
              .setEventTime(Instant.now())
              .setWidth(28)
              .setHeight(28)
              .setEncoding(PixelEncoding.RAW_GRAY8)
              .setPixels(ByteBuffer.wrap(pixels))
              .setLabel(images.label(index))
              .setAttributes(Map.of())
              .build();
      producer.send(
          new ProducerRecord<>(
              topic, "key-" + (i % 16), ContractSerdes.imageEvent().encode(event)));
    }

    @Override
    public void close() throws InterruptedException {
      timer.shutdownNow();
      timer.awaitTermination(5, TimeUnit.SECONDS);
      producer.close(Duration.ofSeconds(5));
    }
  }
}
