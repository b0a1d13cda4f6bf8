package org.mniststream.topics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One topic as the product wants it: name, partitions, replication factor and the topic configs it
 * sets explicitly (the others are left to the broker's defaults, and are not checked for drift).
 *
 * @param role what the topic is for, as the README's topic table says it (shown by {@code topics})
 */
public record TopicSpec(
    String name,
    int partitions,
    short replicationFactor,
    Map<String, String> configs,
    String role) {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    if (partitions < 1) {
      throw new IllegalArgumentException(name + ": partitions must be at least 1: " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          name + ": replication factor must be at least 1: " + replicationFactor);
    }
    configs = Map.copyOf(new TreeMap<>(configs));
  }
}
