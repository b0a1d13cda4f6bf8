package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mniststream.dashboard.TestRecords.T0;
import static org.mniststream.dashboard.TestRecords.comparison;
import static org.mniststream.dashboard.TestRecords.decision;
import static org.mniststream.dashboard.TestRecords.judgedRollout;
import static org.mniststream.dashboard.TestRecords.qualityKey;
import static org.mniststream.dashboard.TestRecords.qualityReport;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.TopicNames;
import org.mniststream.testing.KafkaFixture;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;

/**
 * The quality panel in a real browser: a broker, the dashboard, and quality reports, a judged
 * rollout and the judge's decisions produced to their topics (no stream app: the records are what
 * the quality app and the judge write). The page must show each version's accuracy with its
 * interval, the candidate's stage and paired comparison, and the decisions newest first, with the
 * untrusted strings as text. Skipped without headless Chromium; leaves {@code
 * target/dashboard-quality.png}.
 */
class QualityPanelBrowserIT {
  private static final Path SCREENSHOT = Path.of("target", "dashboard-quality.png");
  private static final Duration SEEN = Duration.ofSeconds(30);

  @Test
  void shouldShowQualityTheCandidatesStageAndTheJudgesDecisions() throws Exception {
    HeadlessChromium.assumeInstalled();

    // Given a dashboard on a broker whose quality, rollouts and decisions topics hold a canary
    // stage of v5 against v4, its figures, and two decisions (one with markup in its reason)
    KafkaFixture kafka = KafkaFixture.shared();
    TopicNames topics = TopicNames.withPrefix("qp-" + UUID.randomUUID() + ".");
    kafka.createTopic(topics.quality(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.rollouts(), 1, Map.of("cleanup.policy", "compact"));
    kafka.createTopic(topics.decisions(), 1, Map.of());
    Instant now = Instant.now();
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", kafka.bootstrapServers());
    String markup = "<img src=x onerror=\"document.title='owned'\"> v5 rolled back";
    try (KafkaProducer<String, byte[]> producer = producer(kafka);
        DashboardServer dashboard =
            DashboardServer.start(DashboardClients.connect(client), topics, List.of(), 0)) {
      producer.send(
          new ProducerRecord<>(
              topics.rollouts(),
              "mnist",
              ContractSerdes.modelRollout().encode(judgedRollout(5, 4, 1, now.minusSeconds(150)))));
      for (QualityReport r :
          List.of(
              qualityReport(4, "ACTIVE", 12000, 11900).build(),
              qualityReport(4, "BASELINE", 1000, 992).build(),
              qualityReport(5, "SHADOW", 6000, 5958, comparison(4, 6000, 14, 20, 0.39)).build(),
              qualityReport(5, "CANARY", 1000, 993, comparison(4, 1000, 3, 4, 1.0)).build())) {
        producer.send(
            new ProducerRecord<>(
                topics.quality(), qualityKey(r), ContractSerdes.qualityReport().encode(r)));
      }
      JudgeDecision promoted =
          decision(0, "PROMOTE", "v5 not worse than v4 on 6000 pairs", now.minusSeconds(150));
      JudgeDecision earlier = decision(0, "ROLLBACK", markup, now.minusSeconds(3600));
      earlier.setDecisionId("mnist/0000000005/0/" + T0.minusSeconds(3600).toEpochMilli());
      for (JudgeDecision d : List.of(earlier, promoted)) {
        producer.send(
            new ProducerRecord<>(
                topics.decisions(), "mnist", ContractSerdes.judgeDecision().encode(d)));
      }
      producer.flush();

      // When a browser shows the page
      WebDriver browser = HeadlessChromium.start();
      try {
        browser.get(dashboard.url().toString());

        // Then the panel shows the figures, the stage, the comparison and the decisions
        await()
            .atMost(SEEN)
            .ignoreExceptionsInstanceOf(WebDriverException.class) // not there yet, or re-rendered
            .untilAsserted(
                () -> {
                  WebElement active =
                      browser.findElement(
                          By.cssSelector("#quality tr[data-version='4'][data-route='ACTIVE']"));
                  assertThat(active.getText()).contains("12,000", "99.17 % [98.7, 99.7]", "42");
                  assertThat(
                          browser
                              .findElement(
                                  By.cssSelector(
                                      "#quality tr[data-version='5'][data-route='SHADOW']"))
                              .getText())
                      .contains(
                          "v4 ACTIVE: +0.10 pt [−0.30, +0.50] · McNemar p 0.390 · 6,000 pairs");
                  WebElement rollout =
                      browser.findElement(
                          By.cssSelector("#rollout-stage .rollout[data-model='mnist']"));
                  assertThat(rollout.getAttribute("data-judged")).isEqualTo("true");
                  assertThat(rollout.findElement(By.cssSelector(".stages .current")).getText())
                      .isEqualTo("2. canary-10");
                  assertThat(rollout.getText())
                      .contains(
                          "candidate v5",
                          "baseline v4",
                          "stage 2 of 4: canary-10 · CANARY 10 % of keys",
                          "issued by judge");
                  assertThat(rollout.findElement(By.cssSelector(".challenger")).getText())
                      .contains(
                          "v5 on CANARY against v4", "+0.10 pt", "McNemar p 1.000", "1,000 pairs");
                  List<WebElement> decisions =
                      browser.findElements(By.cssSelector("#decisions tr[data-decision]"));
                  assertThat(decisions).hasSize(2);
                  assertThat(decisions.get(0).getText())
                      .contains("v5 vs v4", "shadow", "PROMOTE", "not-worse", "6000 pairs");
                  assertThat(decisions.get(1).getText()).contains("ROLLBACK", markup);
                });
        // The reason is shown as text: no element came of it, and no script ran
        assertThat(browser.findElements(By.cssSelector("#decisions img"))).isEmpty();
        assertThat(browser.getTitle()).isNotEqualTo("owned");
        assertThat(HeadlessChromium.severeConsoleMessages(browser)).isEmpty();
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1600, 1400));
        ((org.openqa.selenium.JavascriptExecutor) browser)
            .executeScript("document.getElementById('quality-panel').scrollIntoView()");
        HeadlessChromium.screenshot(browser, SCREENSHOT);
      } finally {
        browser.quit();
      }
    }
  }

  private static KafkaProducer<String, byte[]> producer(KafkaFixture kafka) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }
}
