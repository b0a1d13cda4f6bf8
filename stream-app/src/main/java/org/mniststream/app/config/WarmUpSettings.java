package org.mniststream.app.config;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The start-up warm-up (issue 16, "cold start"): what a fresh instance does before {@code /ready}
 * so that its first seconds of consuming run near its steady rate. Figures in docs/BENCHMARKS.md
 * ("Cold start").
 *
 * @param enabled {@value #ENABLED}: warm every loaded model version on blank batches before it is
 *     routed to, and the hot path on synthetic events before Kafka Streams starts; {@code false}
 *     switches both off
 * @param modelRounds {@value #MODEL_ROUNDS}: forward passes per batch size (1, 8 and {@code
 *     inference.batch.size}) when a version is loaded
 * @param events {@value #EVENTS}: synthetic image events run through the classifier topology
 *     (decode, validation, the pending store, batching, inference, prediction building, encoding)
 *     on a test driver, not through Kafka
 * @param maxTime {@value #MAX_MS}: the hot-path warm-up stops after this long, however many events
 *     it ran
 */
public record WarmUpSettings(boolean enabled, int modelRounds, int events, Duration maxTime) {
  public static final String ENABLED = "warmup.enabled";
  public static final String MODEL_ROUNDS = "warmup.model-rounds";
  public static final String EVENTS = "warmup.events";
  public static final String MAX_MS = "warmup.max-ms";

  /** Every key of these settings. */
  public static final List<String> KEYS = List.of(ENABLED, MODEL_ROUNDS, EVENTS, MAX_MS);

  public static final WarmUpSettings DEFAULTS =
      new WarmUpSettings(true, 3, 5000, Duration.ofMillis(2500));

  public WarmUpSettings {
    require(modelRounds >= 0, MODEL_ROUNDS + " must be >= 0, got " + modelRounds);
    require(events >= 0, EVENTS + " must be >= 0, got " + events);
    require(!maxTime.isNegative(), MAX_MS + " must be >= 0, got " + maxTime.toMillis());
  }

  public static WarmUpSettings from(Properties config) {
    String enabled = config.getProperty(ENABLED, Boolean.toString(DEFAULTS.enabled)).trim();
    if (!enabled.equals("true") && !enabled.equals("false")) {
      throw new IllegalArgumentException(ENABLED + " must be true or false, got '" + enabled + "'");
    }
    return new WarmUpSettings(
        Boolean.parseBoolean(enabled),
        (int) number(config, MODEL_ROUNDS, DEFAULTS.modelRounds),
        (int) number(config, EVENTS, DEFAULTS.events),
        Duration.ofMillis(number(config, MAX_MS, DEFAULTS.maxTime.toMillis())));
  }

  /** True when loaded versions get forward passes before they are routed to. */
  public boolean warmsModels() {
    return enabled && modelRounds > 0;
  }

  /** True when the hot path runs synthetic events before Kafka Streams starts. */
  public boolean warmsHotPath() {
    return enabled && events > 0 && !maxTime.isZero();
  }

  /**
   * The batch sizes a version is warmed at: a lone event, a small batch and a full one, as the
   * classifier makes them ({@code inference.batch.size} at most).
   */
  public static int[] batchSizes(int batchSize) {
    return java.util.stream.IntStream.of(1, Math.min(8, batchSize), batchSize).distinct().toArray();
  }

  private static long number(Properties config, String key, long fallback) {
    String value = config.getProperty(key);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + value.trim() + "'");
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
