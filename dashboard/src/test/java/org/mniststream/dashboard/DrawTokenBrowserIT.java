package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.TopicNames;
import org.mniststream.testing.KafkaFixture;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The page of a dashboard started with a draw token, in headless Chromium on a real broker: the
 * first classify is refused (401) and the page asks for the token; pasted there, the next classify
 * goes through as an image event. Skipped without headless Chromium.
 */
class DrawTokenBrowserIT {
  private static final Duration SEEN = Duration.ofSeconds(30);
  private static final String TOKEN = "page-token-" + UUID.randomUUID();

  @Test
  void shouldAskForTheTokenOnARefusalAndSendItThen() throws Exception {
    HeadlessChromium.assumeInstalled();
    KafkaFixture kafka = KafkaFixture.shared();
    TopicNames topics = TopicNames.withPrefix("dt-" + UUID.randomUUID() + ".");
    kafka.createTopic(topics.images(), 1, Map.of());
    Properties client = new Properties();
    client.setProperty("bootstrap.servers", kafka.bootstrapServers());
    try (DashboardServer dashboard =
        DashboardServer.start(
            DashboardClients.connect(client),
            topics,
            List.of(),
            DashboardOptions.onPort(0).withDrawToken(TOKEN))) {
      WebDriver browser = HeadlessChromium.start();
      try {
        browser.get(dashboard.url().toString());
        WebElement tokenRow = browser.findElement(By.id("draw-token-row"));
        assertThat(tokenRow.isDisplayed()).isFalse();

        // When a person draws and classifies without the token
        draw(browser);
        browser.findElement(By.id("classify")).click();

        // Then the drawing is refused and the page asks for the token
        WebElement result = browser.findElement(By.id("draw-result"));
        await()
            .atMost(SEEN)
            .ignoreExceptionsInstanceOf(WebDriverException.class)
            .untilAsserted(
                () -> {
                  assertThat(result.getAttribute("data-state")).isEqualTo("error");
                  assertThat(browser.findElement(By.id("draw-token-row")).isDisplayed()).isTrue();
                  assertThat(browser.findElement(By.id("draw-status")).getText())
                      .contains("draw token");
                });

        // When they paste it and classify again
        WebElement field = browser.findElement(By.id("draw-token"));
        field.sendKeys(TOKEN);
        field.sendKeys(Keys.TAB); // "change"
        browser.findElement(By.id("classify")).click();

        // Then it goes to Kafka as an image event
        await()
            .atMost(SEEN)
            .ignoreExceptionsInstanceOf(WebDriverException.class)
            .untilAsserted(
                () -> {
                  assertThat(result.getAttribute("data-state")).isEqualTo("pending");
                  assertThat(result.getAttribute("data-event-id")).startsWith("dashboard-");
                });
      } finally {
        browser.quit();
      }
    }
  }

  private static void draw(WebDriver browser) {
    WebElement canvas = browser.findElement(By.id("draw-canvas"));
    new Actions(browser)
        .moveToElement(canvas, -70, -85)
        .clickAndHold()
        .moveByOffset(70, 0)
        .moveByOffset(-30, 60)
        .moveByOffset(-30, 60)
        .release()
        .perform();
  }
}
