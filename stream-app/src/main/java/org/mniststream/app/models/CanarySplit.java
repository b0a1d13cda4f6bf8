package org.mniststream.app.models;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * Which keys a canary serves: a key's bucket is {@code toPositive(murmur2(key)) % 100} (the hash
 * Kafka's partitioner uses), and keys whose bucket is below the percentage go to the canary. The
 * same key always lands in the same bucket, on every instance and after every restart, so a user
 * never flips between versions; raising the percentage only adds keys to the canary.
 *
 * <p>Which of the canary's events the active version also scores (the paired sample) goes by the
 * event id instead, so a replayed or redelivered event is sampled again: its bucket is that of
 * {@code "paired/"} followed by the id (UTF-8). The salt keeps the sample independent of the split:
 * the producers key events by their id, so unsalted, the canary's keys (the low buckets) would all
 * fall in any sample of a percentage at or above the canary's.
 */
public final class CanarySplit {
  private CanarySplit() {}

  /** The key's bucket, 0-99. */
  public static int bucket(byte[] key) {
    return Utils.toPositive(Utils.murmur2(key)) % 100;
  }

  public static boolean isCanary(byte[] key, int percent) {
    return percent > 0 && bucket(key) < percent;
  }

  private static final String PAIRED_SALT = "paired/";

  /** The event's bucket in the paired sample, 0-99. */
  public static int pairedBucket(String eventId) {
    return bucket((PAIRED_SALT + eventId).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the active version also scores this canary event. */
  public static boolean isPaired(String eventId, int percent) {
    return percent > 0 && pairedBucket(eventId) < percent;
  }
}
