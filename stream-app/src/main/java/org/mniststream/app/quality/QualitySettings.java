package org.mniststream.app.quality;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The quality app's own settings.
 *
 * @param enabled {@value #ENABLED}: {@code run} also runs the quality app, in the same process
 * @param lateness {@value #LATENESS_MS}: a label joins a prediction made at most this long before
 *     or after it; further apart it is counted late. Predictions (and labels waiting for theirs)
 *     are kept twice this long, so a label up to twice as late is still told late, not unmatched.
 * @param window {@value #WINDOW_MS}: length of the tumbling windows reported besides "all", by the
 *     predictions' processedAt
 * @param publishInterval {@value #PUBLISH_INTERVAL_MS}: a report changed by labels and predictions
 *     is published at most this often (the changes in between applied at once); 0 publishes every
 *     change
 */
public record QualitySettings(
    boolean enabled, Duration lateness, Duration window, Duration publishInterval) {
  public static final String ENABLED = "quality.enabled";
  public static final String LATENESS_MS = "quality.lateness-ms";
  public static final String WINDOW_MS = "quality.window-ms";
  public static final String PUBLISH_INTERVAL_MS = "quality.publish-interval-ms";

  /** Every key of these settings. */
  public static final List<String> KEYS =
      List.of(ENABLED, LATENESS_MS, WINDOW_MS, PUBLISH_INTERVAL_MS);

  public static final QualitySettings DEFAULTS =
      new QualitySettings(false, Duration.ofHours(24), Duration.ofHours(1), Duration.ofMillis(250));

  public QualitySettings {
    if (lateness.isNegative()) {
      throw new IllegalArgumentException(LATENESS_MS + " must be >= 0, got " + lateness.toMillis());
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException(WINDOW_MS + " must be >= 1, got " + window.toMillis());
    }
    if (publishInterval.isNegative()) {
      throw new IllegalArgumentException(
          PUBLISH_INTERVAL_MS + " must be >= 0, got " + publishInterval.toMillis());
    }
  }

  public static QualitySettings from(Properties config) {
    String enabled = config.getProperty(ENABLED, Boolean.toString(DEFAULTS.enabled)).trim();
    if (!enabled.equals("true") && !enabled.equals("false")) {
      throw new IllegalArgumentException(ENABLED + " must be true or false, got " + enabled);
    }
    return new QualitySettings(
        Boolean.parseBoolean(enabled),
        Duration.ofMillis(millis(config, LATENESS_MS, DEFAULTS.lateness.toMillis())),
        Duration.ofMillis(millis(config, WINDOW_MS, DEFAULTS.window.toMillis())),
        Duration.ofMillis(
            millis(config, PUBLISH_INTERVAL_MS, DEFAULTS.publishInterval.toMillis())));
  }

  /** How long an event's predictions and labels are kept after the last of them. */
  Duration retention() {
    return lateness.multipliedBy(2);
  }

  private static long millis(Properties config, String key, long fallback) {
    String value = config.getProperty(key);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number of milliseconds: " + value, e);
    }
  }
}
