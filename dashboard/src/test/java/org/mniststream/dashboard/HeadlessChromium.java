package org.mniststream.dashboard;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium for the browser tests: Debian's {@code /usr/bin/chromium} and {@code
 * /usr/bin/chromedriver}, or the paths in {@code -Ddashboard.chromium} / {@code
 * -Ddashboard.chromedriver}. Without them a test assumes, and is skipped with the reason.
 */
final class HeadlessChromium {
  static final Path CHROMIUM =
      Path.of(System.getProperty("dashboard.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER =
      Path.of(System.getProperty("dashboard.chromedriver", "/usr/bin/chromedriver"));

  private HeadlessChromium() {}

  /** Skips the calling test when Chromium or its driver is missing. */
  static void assumeInstalled() {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "headless Chromium is not installed ("
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " must both exist; set -Ddashboard.chromium and -Ddashboard.chromedriver to use"
            + " others): the browser test is skipped");
  }

  /** A fresh browser with its own profile; the caller quits it. */
  static WebDriver start() throws IOException {
    Path profile = Files.createTempDirectory("dashboard-it-chromium");
    ChromeOptions options = new ChromeOptions();
    // Both paths explicit: Selenium Manager never runs, so nothing is downloaded.
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1600,2000",
        "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /** The page's console messages of level SEVERE (script errors among them). */
  static List<String> severeConsoleMessages(WebDriver browser) {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  static void screenshot(WebDriver browser, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
