package org.mniststream.app.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The stream app's own settings, typed and validated, read from the layered configuration (see
 * {@link AppConfig}). Everything else in the configuration is Kafka's and passes through untouched.
 *
 * @param modelName {@value #MODEL_NAME}: the model family this app serves
 * @param batchSize {@value #BATCH_SIZE}: most events classified in one forward pass
 * @param batchMaxWait {@value #BATCH_MAX_WAIT_MS}: longest an event waits for its batch to fill
 * @param latencyBudget {@value #LATENCY_BUDGET_MS}: when set, batches are sized and timed from the
 *     measured cost of a batch and the arrival rate so that an event's wait plus its batch's
 *     classification stay within it (with {@value #BATCH_SIZE} as the largest batch, and {@value
 *     #BATCH_MAX_WAIT_MS} unused); empty = the fixed size and wait
 * @param maxImageSide {@value #IMAGE_MAX_SIDE}: images declaring a larger side are dead-lettered
 * @param httpPort {@value #HTTP_PORT}: port of the operations endpoint; 0 picks a free one
 * @param httpBind {@value #HTTP_BIND}: the address the operations endpoint listens on; loopback by
 *     default, so that only this machine reaches it; {@code 0.0.0.0} for every interface
 * @param trustedKeys {@value #TRUSTED_KEYS}: Ed25519 public key files; empty = unsigned models ok
 * @param shutdownTimeout {@value #SHUTDOWN_TIMEOUT_MS}: how long a graceful close may take
 * @param modelWaitTimeout {@value #STARTUP_MODEL_TIMEOUT_MS}: how long startup waits for a model to
 *     serve before giving up; zero waits forever
 * @param retainedVersions {@value #RETAINED_VERSIONS}: how many of the newest valid versions keep
 *     their parameter bytes on the heap (besides the routed ones), for an instant rollback; older
 *     ones are read back from the models topic when a rollout routes to them
 * @param kafkaTimeout {@value #STARTUP_KAFKA_TIMEOUT_MS}: how long start-up waits for the cluster
 *     to answer before it gives up with one line that says so
 * @param createTopics {@value #STARTUP_CREATE_TOPICS}: create missing topics at start-up (with the
 *     layout of {@code mnist-stream topics}) instead of refusing to start
 * @param instanceId {@value #INSTANCE_ID}: this instance's id on the instances topic; empty means
 *     host name and process id
 * @param heartbeatInterval {@value #INSTANCE_HEARTBEAT_MS}: how often the instance publishes its
 *     heartbeat
 * @param advertisedHost {@value #HTTP_ADVERTISED_HOST}: the host name others reach the HTTP
 *     endpoint by, in the heartbeat; empty means this machine's host name
 * @param canaryPairedPercent {@value #CANARY_PAIRED_PERCENT}: share (0..100) of a canary's events
 *     that the active version also scores, as BASELINE predictions on the shadow topic, so that the
 *     canary is compared with it on the same events; a rollout's {@code pairedPercent} wins
 * @param reviewConfidenceThreshold {@value #REVIEW_CONFIDENCE_THRESHOLD}: an ACTIVE or CANARY
 *     prediction whose confidence is below it also goes to the review topic, for a person to label;
 *     0 sends none, 1 (almost) every one
 * @param minVersion {@value #MIN_VERSION}: the downgrade floor; a version below it never serves,
 *     not even pinned by a rollout, and the fallback never goes below it; 0 = no floor
 */
public record AppSettings(
    String modelName,
    int batchSize,
    Duration batchMaxWait,
    Optional<Duration> latencyBudget,
    int maxImageSide,
    int httpPort,
    String httpBind,
    List<Path> trustedKeys,
    Duration shutdownTimeout,
    Duration modelWaitTimeout,
    int retainedVersions,
    Duration kafkaTimeout,
    boolean createTopics,
    String instanceId,
    Duration heartbeatInterval,
    String advertisedHost,
    int canaryPairedPercent,
    double reviewConfidenceThreshold,
    long minVersion) {

  public static final String MODEL_NAME = "model.name";
  public static final String BATCH_SIZE = "inference.batch.size";
  public static final String BATCH_MAX_WAIT_MS = "inference.batch.max-wait-ms";
  public static final String LATENCY_BUDGET_MS = "inference.latency-budget-ms";
  public static final String IMAGE_MAX_SIDE = "image.max-side";
  public static final String HTTP_PORT = "http.port";
  public static final String HTTP_BIND = "http.bind";
  public static final String TRUSTED_KEYS = "model.trusted-keys";
  public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout-ms";
  public static final String STARTUP_MODEL_TIMEOUT_MS = "startup.model-timeout-ms";
  public static final String RETAINED_VERSIONS = "model.retained-versions";
  public static final String STARTUP_KAFKA_TIMEOUT_MS = "startup.kafka-timeout-ms";
  public static final String STARTUP_CREATE_TOPICS = "startup.create-topics";
  public static final String INSTANCE_ID = "instance.id";
  public static final String INSTANCE_HEARTBEAT_MS = "instance.heartbeat-ms";
  public static final String HTTP_ADVERTISED_HOST = "http.advertised-host";
  public static final String CANARY_PAIRED_PERCENT = "canary.paired-percent";
  public static final String REVIEW_CONFIDENCE_THRESHOLD = "review.confidence-threshold";
  public static final String MIN_VERSION = "model.min-version";

  /** Every app key with its default, in documentation order. */
  public static final Map<String, String> DEFAULTS = defaults();

  public AppSettings {
    require(modelName != null && !modelName.isBlank(), MODEL_NAME + " must not be blank");
    require(batchSize >= 1, BATCH_SIZE + " must be >= 1, got " + batchSize);
    require(
        !batchMaxWait.isNegative() && !batchMaxWait.isZero(),
        BATCH_MAX_WAIT_MS + " must be >= 1, got " + batchMaxWait.toMillis());
    require(
        latencyBudget.map(b -> b.toMillis() >= 1).orElse(true),
        LATENCY_BUDGET_MS
            + " must be >= 1 (or empty), got "
            + latencyBudget.map(b -> Long.toString(b.toMillis())).orElse(""));
    require(maxImageSide >= 1, IMAGE_MAX_SIDE + " must be >= 1, got " + maxImageSide);
    require(httpPort >= 0 && httpPort <= 65535, HTTP_PORT + " must be 0..65535, got " + httpPort);
    require(
        httpBind != null && BindAddress.isHostOrIp(httpBind),
        HTTP_BIND
            + " must be a host name or an IP address (0.0.0.0 for every interface), got '"
            + httpBind
            + "'");
    require(!shutdownTimeout.isNegative(), SHUTDOWN_TIMEOUT_MS + " must be >= 0");
    require(!modelWaitTimeout.isNegative(), STARTUP_MODEL_TIMEOUT_MS + " must be >= 0");
    require(retainedVersions >= 0, RETAINED_VERSIONS + " must be >= 0, got " + retainedVersions);
    require(
        kafkaTimeout.toMillis() >= 1000,
        STARTUP_KAFKA_TIMEOUT_MS + " must be >= 1000, got " + kafkaTimeout.toMillis());
    require(
        heartbeatInterval.toMillis() >= 100,
        INSTANCE_HEARTBEAT_MS + " must be >= 100, got " + heartbeatInterval.toMillis());
    require(
        canaryPairedPercent >= 0 && canaryPairedPercent <= 100,
        CANARY_PAIRED_PERCENT + " must be 0..100, got " + canaryPairedPercent);
    require(
        reviewConfidenceThreshold >= 0 && reviewConfidenceThreshold <= 1,
        REVIEW_CONFIDENCE_THRESHOLD + " must be 0..1, got " + reviewConfidenceThreshold);
    require(minVersion >= 0, MIN_VERSION + " must be >= 0, got " + minVersion);
    trustedKeys = List.copyOf(trustedKeys);
  }

  /** Reads the app keys; a missing key takes its default, a malformed one is refused by name. */
  public static AppSettings from(Properties props) {
    return new AppSettings(
        get(props, MODEL_NAME).trim(),
        integer(props, BATCH_SIZE),
        Duration.ofMillis(longValue(props, BATCH_MAX_WAIT_MS)),
        get(props, LATENCY_BUDGET_MS).isBlank()
            ? Optional.empty()
            : Optional.of(Duration.ofMillis(longValue(props, LATENCY_BUDGET_MS))),
        integer(props, IMAGE_MAX_SIDE),
        integer(props, HTTP_PORT),
        get(props, HTTP_BIND).trim(),
        Arrays.stream(get(props, TRUSTED_KEYS).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(Path::of)
            .toList(),
        Duration.ofMillis(longValue(props, SHUTDOWN_TIMEOUT_MS)),
        Duration.ofMillis(longValue(props, STARTUP_MODEL_TIMEOUT_MS)),
        integer(props, RETAINED_VERSIONS),
        Duration.ofMillis(longValue(props, STARTUP_KAFKA_TIMEOUT_MS)),
        bool(props, STARTUP_CREATE_TOPICS),
        get(props, INSTANCE_ID).trim(),
        Duration.ofMillis(longValue(props, INSTANCE_HEARTBEAT_MS)),
        get(props, HTTP_ADVERTISED_HOST).trim(),
        integer(props, CANARY_PAIRED_PERCENT),
        decimal(props, REVIEW_CONFIDENCE_THRESHOLD),
        longValue(props, MIN_VERSION));
  }

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(MODEL_NAME, "mnist");
    d.put(BATCH_SIZE, "64");
    d.put(BATCH_MAX_WAIT_MS, "5");
    d.put(LATENCY_BUDGET_MS, "");
    d.put(IMAGE_MAX_SIDE, "1024");
    d.put(HTTP_PORT, "8080");
    d.put(HTTP_BIND, "127.0.0.1");
    d.put(TRUSTED_KEYS, "");
    d.put(SHUTDOWN_TIMEOUT_MS, "30000");
    d.put(STARTUP_MODEL_TIMEOUT_MS, "0");
    d.put(RETAINED_VERSIONS, "3");
    d.put(STARTUP_KAFKA_TIMEOUT_MS, "60000");
    d.put(STARTUP_CREATE_TOPICS, "false");
    d.put(INSTANCE_ID, "");
    d.put(INSTANCE_HEARTBEAT_MS, "2000");
    d.put(HTTP_ADVERTISED_HOST, "");
    d.put(CANARY_PAIRED_PERCENT, "100");
    d.put(REVIEW_CONFIDENCE_THRESHOLD, "0.6");
    d.put(MIN_VERSION, "0");
    return Collections.unmodifiableMap(d);
  }

  private static String get(Properties props, String key) {
    return props.getProperty(key, DEFAULTS.get(key));
  }

  private static int integer(Properties props, String key) {
    try {
      return Integer.parseInt(get(props, key).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be an integer, got '" + get(props, key) + "'");
    }
  }

  private static long longValue(Properties props, String key) {
    try {
      return Long.parseLong(get(props, key).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be an integer, got '" + get(props, key) + "'");
    }
  }

  private static double decimal(Properties props, String key) {
    String value = get(props, key).trim();
    try {
      double d = Double.parseDouble(value);
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // refused below, in the same words as a non-finite value
    }
    throw new IllegalArgumentException(key + " must be a number, got '" + value + "'");
  }

  private static boolean bool(Properties props, String key) {
    String value = get(props, key).trim();
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
