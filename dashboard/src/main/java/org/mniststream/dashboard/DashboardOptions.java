package org.mniststream.dashboard;

import java.util.Optional;

/**
 * How the dashboard serves: where it listens, and who may use the endpoints that write to Kafka
 * ({@code POST /api/draw}, {@code /api/draw/label}, {@code /api/review/label}). The read-only GET
 * endpoints are open to whoever reaches the address.
 *
 * @param bind the address to listen on: a host name or IP; {@value #LOOPBACK} (the default) for
 *     this machine only, {@code 0.0.0.0} for every interface
 * @param port the port, 0 for a free one
 * @param drawToken when present, the writing endpoints require {@code Authorization: Bearer
 *     <token>} and answer 401 without it
 * @param drawPerSecond requests a second each client address may make to the writing endpoints once
 *     its burst is spent (429 with {@code Retry-After} beyond); 0 for no limit
 * @param drawBurst requests a client address may make to them at once
 * @param inference the Open Inference Protocol endpoints' model name, own rate limit, bound on
 *     requests in flight and timeout (the draw token, when set, guards them too)
 */
public record DashboardOptions(
    String bind,
    int port,
    Optional<String> drawToken,
    double drawPerSecond,
    int drawBurst,
    InferenceOptions inference) {
  public static final String LOOPBACK = "127.0.0.1";
  public static final double DEFAULT_DRAW_PER_SECOND = 5;
  public static final int DEFAULT_DRAW_BURST = 10;

  public DashboardOptions {
    if (bind == null || bind.isBlank()) {
      throw new IllegalArgumentException("the dashboard's bind address must not be blank");
    }
    bind = bind.trim();
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the dashboard's port must be 0..65535, got " + port);
    }
    drawToken = drawToken.filter(t -> !t.isEmpty());
    drawToken.ifPresent(DashboardOptions::checkToken);
    if (!(drawPerSecond >= 0) || Double.isInfinite(drawPerSecond)) {
      throw new IllegalArgumentException(
          "the draw rate must be >= 0 a second, got " + drawPerSecond);
    }
    if (drawPerSecond > 0 && drawBurst < 1) {
      throw new IllegalArgumentException("the draw burst must be >= 1, got " + drawBurst);
    }
    if (inference == null) {
      inference = InferenceOptions.DEFAULTS;
    }
  }

  /** The default inference options. */
  public DashboardOptions(
      String bind, int port, Optional<String> drawToken, double drawPerSecond, int drawBurst) {
    this(bind, port, drawToken, drawPerSecond, drawBurst, InferenceOptions.DEFAULTS);
  }

  /** Loopback, no token, the default rate limit. */
  public static DashboardOptions onPort(int port) {
    return new DashboardOptions(
        LOOPBACK, port, Optional.empty(), DEFAULT_DRAW_PER_SECOND, DEFAULT_DRAW_BURST);
  }

  public DashboardOptions withBind(String address) {
    return new DashboardOptions(address, port, drawToken, drawPerSecond, drawBurst, inference);
  }

  /** A token for the writing endpoints; null or empty for none. */
  public DashboardOptions withDrawToken(String token) {
    return new DashboardOptions(
        bind, port, Optional.ofNullable(token), drawPerSecond, drawBurst, inference);
  }

  public DashboardOptions withDrawRate(double perSecond, int burst) {
    return new DashboardOptions(bind, port, drawToken, perSecond, burst, inference);
  }

  public DashboardOptions withInference(InferenceOptions options) {
    return new DashboardOptions(bind, port, drawToken, drawPerSecond, drawBurst, options);
  }

  /** A token travels in a header: visible ASCII only, and long enough not to be guessed. */
  private static void checkToken(String token) {
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "the draw token must be visible ASCII characters without spaces");
    }
    if (token.length() < 16) {
      throw new IllegalArgumentException(
          "the draw token must be at least 16 characters, got " + token.length());
    }
  }

  @Override
  public String toString() {
    // never the token itself: options are logged
    return "DashboardOptions[bind="
        + bind
        + ", port="
        + port
        + ", drawToken="
        + (drawToken.isPresent() ? "(set)" : "(none)")
        + ", drawPerSecond="
        + drawPerSecond
        + ", drawBurst="
        + drawBurst
        + ", inference="
        + inference
        + "]";
  }
}
