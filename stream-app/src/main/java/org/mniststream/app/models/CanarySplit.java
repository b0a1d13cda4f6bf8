package org.mniststream.app.models;

import org.apache.kafka.common.utils.Utils;

/**
 * Which keys a canary serves: a key's bucket is {@code toPositive(murmur2(key)) % 100} (the hash
 * Kafka's partitioner uses), and keys whose bucket is below the percentage go to the canary. The
 * same key always lands in the same bucket, on every instance and after every restart, so a user
 * never flips between versions; raising the percentage only adds keys to the canary.
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
}
