package org.mniststream.dashboard;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: each client may spend {@code burst} requests at once, then {@code
 * perSecond} a second. Keeps one person at the page (or one script) from flooding the topics the
 * drawing and labelling endpoints produce to. A rate of 0 turns the limit off.
 *
 * <p>Clients are told apart by address, so everyone behind one proxy shares one bucket. The map of
 * buckets is bounded: past {@link #MAX_CLIENTS} clients, the buckets that have refilled (those that
 * would allow a full burst anyway) are forgotten.
 */
final class RateLimiter {
  static final int MAX_CLIENTS = 4096;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** Whether a request may go on, and if not, after how many whole seconds one would. */
  record Decision(boolean allowed, long retryAfterSeconds) {}

  private final double perSecond;
  private final int burst;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param perSecond requests a second each client gets back, once its burst is spent; 0 for no
   *     limit
   * @param burst requests a client may make at once; at least 1 when limited
   * @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests
   */
  RateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
    if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("the draw rate must be >= 0 a second, got " + perSecond);
    }
    if (perSecond > 0 && burst < 1) {
      throw new IllegalArgumentException("the draw burst must be >= 1, got " + burst);
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.nanoTime = nanoTime;
  }

  /** Takes one request from {@code client}'s bucket, if it has one left. */
  Decision tryAcquire(String client) {
    if (perSecond == 0) {
      return new Decision(true, 0);
    }
    long now = nanoTime.getAsLong();
    if (buckets.size() >= MAX_CLIENTS && !buckets.containsKey(client)) {
      buckets.values().removeIf(b -> b.full(now));
    }
    return buckets.computeIfAbsent(client, c -> new Bucket(now)).take(now);
  }

  /** How many clients have a bucket (for tests of the bound). */
  int clients() {
    return buckets.size();
  }

  private final class Bucket {
    private double tokens = burst;
    private long updatedAt;

    Bucket(long now) {
      this.updatedAt = now;
    }

    synchronized Decision take(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return new Decision(true, 0);
      }
      double secondsToOne = (1 - tokens) / perSecond;
      return new Decision(false, Math.max(1, (long) Math.ceil(secondsToOne)));
    }

    synchronized boolean full(long now) {
      refill(now);
      return tokens >= burst;
    }

    private void refill(long now) {
      long elapsed = Math.max(0, now - updatedAt);
      tokens = Math.min(burst, tokens + elapsed * perSecond / NANOS_PER_SECOND);
      updatedAt = now;
    }
  }
}
