package org.mniststream.dashboard;

import java.time.Duration;

/**
 * How the Open Inference Protocol endpoints ({@code /v2/...}, see {@link InferenceProtocol}) serve.
 *
 * @param modelName the model name the endpoints answer for (the stream app's {@code model.name});
 *     any other name is a 404
 * @param perSecond inference requests a second each client address may make once its burst is spent
 *     (429 beyond); 0 (the default) for no limit, so that a load test is possible: the draw
 *     endpoints' limit is for people at the page
 * @param burst inference requests a client address may make at once
 * @param maxInFlight inference requests waiting for their prediction at once; one more is answered
 *     429 at once
 * @param timeout how long a request waits for its prediction before a 504
 */
public record InferenceOptions(
    String modelName, double perSecond, int burst, int maxInFlight, Duration timeout) {
  public static final String DEFAULT_MODEL = "mnist";
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final InferenceOptions DEFAULTS =
      new InferenceOptions(DEFAULT_MODEL, 0, 100, DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT);

  public InferenceOptions {
    if (modelName == null || modelName.isBlank()) {
      throw new IllegalArgumentException("the inference model name must not be blank");
    }
    if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("the infer rate must be >= 0 a second, got " + perSecond);
    }
    if (perSecond > 0 && burst < 1) {
      throw new IllegalArgumentException("the infer burst must be >= 1, got " + burst);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException(
          "the inferences in flight must be >= 1, got " + maxInFlight);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the infer timeout must be positive, got " + timeout);
    }
  }
}
