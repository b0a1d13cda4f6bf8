package org.mniststream.cli;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.PartitionOffsetRange;
import org.mniststream.schemas.Provenance;
import org.mniststream.schemas.TopicOffsetRange;

/**
 * Where the continual trainer goes on from, read from the models topic alone: the ends of the
 * image-events offset ranges in the provenance of the newest version it published for that topic. A
 * version carries its provenance in the one record that publishes it, so the progress is committed
 * exactly when (and only if) the version built from it is published: there is no second store that
 * could disagree with the models topic. Pure, so the rule is tested without a broker.
 */
final class ContinualProgress {
  /**
   * The {@code trainingConfig} entry marking a version as the continual trainer's; its value is the
   * image-events topic it follows. Versions without it (a manual {@code fine-tune --from-topic}
   * over some range, say) never move the trainer's position.
   */
  static final String MARKER = "continualSource";

  private ContinualProgress() {}

  /** The position, and the version it was read from. */
  record Position(long version, Map<Integer, Long> next) {
    Position {
      next = new TreeMap<>(next);
    }
  }

  /**
   * The offset to read next of each partition recorded by the newest version of {@code versions}
   * marked with {@link #MARKER} = {@code imagesTopic}; empty when there is none (the first run).
   */
  static Optional<Position> of(NavigableMap<Long, ModelVersion> versions, String imagesTopic) {
    for (ModelVersion v : versions.descendingMap().values()) {
      Map<String, String> config = v.getTrainingConfig();
      Provenance p = v.getProvenance();
      if (config == null || p == null || !imagesTopic.equals(config.get(MARKER))) {
        continue;
      }
      for (TopicOffsetRange topic : p.getSourceTopics()) {
        if (topic.getTopic().equals(imagesTopic)) {
          Map<Integer, Long> next = new TreeMap<>();
          for (PartitionOffsetRange r : topic.getPartitions()) {
            next.put(r.getPartition(), r.getToOffset());
          }
          return Optional.of(new Position(v.getVersion(), next));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@code next}, with each partition raised to its beginning where retention deleted records
   * before they were trained on (they cannot be read any more: {@link #lost} says how many).
   * Partitions the topic does not have are dropped.
   */
  static Map<Integer, Long> clamp(Map<Integer, Long> next, Map<Integer, Long> beginnings) {
    Map<Integer, Long> clamped = new TreeMap<>();
    next.forEach(
        (p, offset) -> {
          Long beginning = beginnings.get(p);
          if (beginning != null) {
            clamped.put(p, Math.max(offset, beginning));
          }
        });
    return clamped;
  }

  /** Records deleted by retention before they were read: what {@link #clamp} skips. */
  static long lost(Map<Integer, Long> next, Map<Integer, Long> beginnings) {
    long lost = 0;
    for (Map.Entry<Integer, Long> e : next.entrySet()) {
      Long beginning = beginnings.get(e.getKey());
      if (beginning != null && beginning > e.getValue()) {
        lost += beginning - e.getValue();
      }
    }
    return lost;
  }
}
