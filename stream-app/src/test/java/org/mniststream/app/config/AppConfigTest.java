package org.mniststream.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
  @TempDir Path dir;

  @Test
  void shouldLayerDefaultsFileEnvironmentAndFlagsWithTheLaterWinning() throws Exception {
    Path file = dir.resolve("app.properties");
    Files.writeString(
        file,
        "bootstrap.servers=file:9092\ninference.batch.size=8\nmodel.name=from-file\n"
            + "security.protocol=SASL_SSL\n");
    Map<String, String> env =
        Map.of(
            "MNIST_BOOTSTRAP_SERVERS", "env:9092",
            "MNIST_INFERENCE_BATCH_SIZE", "16",
            "PATH", "/usr/bin");
    Map<String, String> flags = Map.of("inference.batch.size", "32");

    Properties props = AppConfig.load(Optional.of(file), env, flags);

    assertThat(props.getProperty("bootstrap.servers")).isEqualTo("env:9092");
    assertThat(props.getProperty("inference.batch.size")).isEqualTo("32");
    assertThat(props.getProperty("model.name")).isEqualTo("from-file");
    assertThat(props.getProperty("security.protocol")).isEqualTo("SASL_SSL");
    assertThat(props.getProperty("http.port")).isEqualTo("8080");
    assertThat(props.stringPropertyNames()).doesNotContain("path");
  }

  @Test
  void shouldMapEnvironmentVariablesToKnownKeysWithDashes() {
    Properties props =
        AppConfig.fromEnvironment(
            Map.of(
                "MNIST_INFERENCE_BATCH_MAX_WAIT_MS", "5",
                "MNIST_TOPICS_DEAD_LETTERS", "dlq",
                "MNIST_MODEL_TRUSTED_KEYS", "/k.pub",
                "MNIST_PROCESSING_GUARANTEE", "at_least_once",
                "MNIST_SOME_CUSTOM_THING", "x"));

    assertThat(props)
        .containsEntry("inference.batch.max-wait-ms", "5")
        .containsEntry("topics.dead-letters", "dlq")
        .containsEntry("model.trusted-keys", "/k.pub")
        .containsEntry("processing.guarantee", "at_least_once")
        .containsEntry("some.custom.thing", "x");
  }

  @Test
  void shouldReadTypedSettingsWithDefaults() {
    AppSettings s = AppSettings.from(AppConfig.load(Optional.empty(), Map.of(), Map.of()));

    assertThat(s.modelName()).isEqualTo("mnist");
    assertThat(s.batchSize()).isEqualTo(64);
    assertThat(s.batchMaxWait()).isEqualTo(Duration.ofMillis(5));
    assertThat(s.maxImageSide()).isEqualTo(1024);
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.trustedKeys()).isEmpty();
    assertThat(s.modelWaitTimeout()).isZero();
    assertThat(s.canaryPairedPercent()).isEqualTo(100);
  }

  @Test
  void shouldRefuseAPairedPercentOutsideZeroToHundredInOneLine() {
    Properties tooMany = new Properties();
    tooMany.setProperty("canary.paired-percent", "101");
    Properties notANumber = new Properties();
    notANumber.setProperty("canary.paired-percent", "half");
    Properties none = new Properties();
    none.setProperty("canary.paired-percent", "0");

    assertThatThrownBy(() -> AppSettings.from(tooMany))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("canary.paired-percent must be 0..100, got 101");
    assertThatThrownBy(() -> AppSettings.from(notANumber))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("canary.paired-percent must be an integer, got 'half'");
    assertThat(AppSettings.from(none).canaryPairedPercent()).isZero();
  }

  @Test
  void shouldRefuseAReviewThresholdOutsideZeroToOneInOneLine() {
    Properties tooHigh = new Properties();
    tooHigh.setProperty("review.confidence-threshold", "1.5");
    Properties notANumber = new Properties();
    notANumber.setProperty("review.confidence-threshold", "low");
    Properties nan = new Properties();
    nan.setProperty("review.confidence-threshold", "NaN");
    Properties off = new Properties();
    off.setProperty("review.confidence-threshold", "0");

    assertThat(AppSettings.from(new Properties()).reviewConfidenceThreshold()).isEqualTo(0.6);
    assertThatThrownBy(() -> AppSettings.from(tooHigh))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("review.confidence-threshold must be 0..1, got 1.5");
    assertThatThrownBy(() -> AppSettings.from(notANumber))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("review.confidence-threshold must be a number, got 'low'");
    assertThatThrownBy(() -> AppSettings.from(nan))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("review.confidence-threshold must be a number, got 'NaN'");
    assertThat(AppSettings.from(off).reviewConfidenceThreshold()).isZero();
  }

  @Test
  void shouldBindTheHttpEndpointToLoopbackUnlessToldOtherwise() {
    assertThat(AppSettings.from(new Properties()).httpBind()).isEqualTo("127.0.0.1");
    assertThat(
            AppSettings.from(AppConfig.fromEnvironment(Map.of("MNIST_HTTP_BIND", "0.0.0.0")))
                .httpBind())
        .isEqualTo("0.0.0.0");
    for (String good :
        List.of("0.0.0.0", "10.1.2.3", "::1", "[::1]", "::", "localhost", "app-1.example.com")) {
      Properties props = new Properties();
      props.setProperty("http.bind", " " + good + " ");
      assertThat(AppSettings.from(props).httpBind()).as(good).isEqualTo(good);
    }
  }

  @Test
  void shouldRefuseABindAddressThatIsNeitherAHostNameNorAnIpInOneLine() {
    for (String bad :
        List.of("", "127.0.0.256", "host name", "-bad.example", "a..b", "http://x", "1:2:3")) {
      Properties props = new Properties();
      props.setProperty("http.bind", bad);
      assertThatThrownBy(() -> AppSettings.from(props))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "http.bind must be a host name or an IP address (0.0.0.0 for every interface), got '"
                  + bad
                  + "'");
    }
  }

  @Test
  void shouldSplitTrustedKeyPaths() {
    Properties props = new Properties();
    props.setProperty("model.trusted-keys", " /a.pub, /b.pub ,");

    assertThat(AppSettings.from(props).trustedKeys())
        .containsExactly(Path.of("/a.pub"), Path.of("/b.pub"));
  }

  @Test
  void shouldRefuseMalformedSettingsByName() {
    Properties notANumber = new Properties();
    notANumber.setProperty("inference.batch.size", "many");
    Properties zero = new Properties();
    zero.setProperty("inference.batch.max-wait-ms", "0");

    assertThatThrownBy(() -> AppSettings.from(notANumber))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inference.batch.size");
    assertThatThrownBy(() -> AppSettings.from(zero))
        .hasMessageContaining("inference.batch.max-wait-ms");
  }

  @Test
  void shouldBatchByFixedSizeAndWaitUnlessALatencyBudgetIsSet() {
    Properties budget = new Properties();
    budget.setProperty("inference.latency-budget-ms", " 25 ");
    Properties zero = new Properties();
    zero.setProperty("inference.latency-budget-ms", "0");
    Properties notANumber = new Properties();
    notANumber.setProperty("inference.latency-budget-ms", "soon");

    assertThat(AppSettings.from(new Properties()).latencyBudget()).isEmpty();
    assertThat(AppSettings.from(budget).latencyBudget()).contains(Duration.ofMillis(25));
    assertThatThrownBy(() -> AppSettings.from(zero))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inference.latency-budget-ms must be >= 1 (or empty), got 0");
    assertThatThrownBy(() -> AppSettings.from(notANumber))
        .hasMessage("inference.latency-budget-ms must be an integer, got 'soon'");
    assertThat(AppConfig.fromEnvironment(Map.of("MNIST_INFERENCE_LATENCY_BUDGET_MS", "10")))
        .containsEntry("inference.latency-budget-ms", "10");
  }

  @Test
  void shouldRefuseAMissingConfigFile() {
    assertThatThrownBy(() -> AppConfig.load(Optional.of(dir.resolve("nope")), Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void shouldGiveClientsOnlyTheirKeysAndReadCommitted() {
    Properties config = new Properties();
    config.setProperty("bootstrap.servers", "b:1");
    config.setProperty("security.protocol", "SSL");
    config.setProperty("inference.batch.size", "3");
    config.setProperty("consumer.max.poll.records", "7");

    Properties consumer = ClientConfigs.consumer(config, "t");
    Properties producer = ClientConfigs.producer(config, "t");

    assertThat(consumer)
        .containsEntry("bootstrap.servers", "b:1")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("max.poll.records", "7")
        .doesNotContainKey("inference.batch.size");
    assertThat(producer)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("acks", "all")
        .doesNotContainKey("max.poll.records");
    assertThat(List.of(consumer, producer)).allMatch(p -> !p.containsKey("group.id"));
  }
}
