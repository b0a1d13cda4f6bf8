package org.mniststream.topics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.InstanceHeartbeat;

/**
 * The fleet as the instances topic tells it: the last heartbeat of every instance (the last record
 * of a key wins, as compaction keeps it), none for an instance that shut down cleanly (tombstone),
 * and an instance whose last heartbeat is older than {@value #MISSED_BEATS} intervals counted as
 * dead. Not thread-safe: one reader folds records, then asks.
 */
public final class FleetView {
  /** Heartbeats an instance may miss before it is taken for dead. */
  public static final int MISSED_BEATS = 3;

  private final Map<String, InstanceHeartbeat> last = new LinkedHashMap<>();
  private long undecodable;

  /** Applies one record of the instances topic. */
  public void apply(ConsumerRecord<byte[], byte[]> record) {
    apply(record.key(), record.value());
  }

  /** Applies one record of the instances topic. */
  public void apply(byte[] key, byte[] value) {
    String id = key == null ? "" : new String(key, StandardCharsets.UTF_8);
    if (value == null) {
      last.remove(id);
      return;
    }
    try {
      last.put(id, ContractSerdes.instanceHeartbeat().decode(value));
    } catch (AvroDecodingException e) {
      undecodable++;
    }
  }

  /** Instances whose last heartbeat is recent enough at {@code now}, by instance id. */
  public List<InstanceHeartbeat> live(Instant now) {
    return select(now, true);
  }

  /** Instances that stopped sending without a clean shutdown (crashed, killed, cut off). */
  public List<InstanceHeartbeat> dead(Instant now) {
    return select(now, false);
  }

  /** Records of the topic that were not heartbeats this reader knows. */
  public long undecodable() {
    return undecodable;
  }

  /**
   * True when {@code h} was sent within {@value #MISSED_BEATS} of its intervals before {@code now}.
   */
  public static boolean isLive(InstanceHeartbeat h, Instant now) {
    Duration age = Duration.between(h.getSentAt(), now);
    return age.compareTo(Duration.ofMillis((long) h.getIntervalMs() * MISSED_BEATS)) <= 0;
  }

  private List<InstanceHeartbeat> select(Instant now, boolean live) {
    List<InstanceHeartbeat> out = new ArrayList<>();
    for (InstanceHeartbeat h : last.values()) {
      if (isLive(h, now) == live) {
        out.add(h);
      }
    }
    out.sort(Comparator.comparing(InstanceHeartbeat::getInstanceId));
    return out;
  }
}
