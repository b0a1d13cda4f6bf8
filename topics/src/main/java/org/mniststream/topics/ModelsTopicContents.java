package org.mniststream.topics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;

/**
 * What the models topic says, by the product's one rule for it. Every reader of the models topic
 * (trainer, stream app, CLI) folds records into this class or follows the same rule:
 *
 * <ul>
 *   <li>the <b>last</b> record of a key wins: it is what log compaction keeps, so a reader that saw
 *       every record and one that started after compaction agree;
 *   <li>a tombstone (null value) withdraws the key;
 *   <li>a value that is not a decodable {@code ModelVersion} withdraws the key too (the record that
 *       compaction keeps is not servable) and is listed in {@link #undecodable()}.
 * </ul>
 *
 * <p>Keys are {@code <model>/<version, 10 digits>} ({@link TopicNames#modelKey}). Not thread-safe:
 * one reader folds, then asks.
 */
public final class ModelsTopicContents {
  private final Map<String, byte[]> values = new LinkedHashMap<>();
  private final Map<String, ModelVersion> decoded = new LinkedHashMap<>();
  private final Map<String, String> undecodable = new LinkedHashMap<>();
  private final Map<String, Long> highestEver = new HashMap<>();
  private final boolean keepValues;

  /** Keeps and decodes every value: for readers that want the versions themselves. */
  public ModelsTopicContents() {
    this(true);
  }

  private ModelsTopicContents(boolean keepValues) {
    this.keepValues = keepValues;
  }

  /**
   * Keeps only the version numbers the keys name (no value is kept or decoded): for the publisher,
   * which needs {@link #highestVersionEverUsed} alone and must not hold every version's parameters
   * on its heap to get it.
   */
  public static ModelsTopicContents versionNumbersOnly() {
    return new ModelsTopicContents(false);
  }

  /** Applies one record of the models topic. */
  public void apply(byte[] key, byte[] value) {
    apply(key == null ? "" : new String(key, StandardCharsets.UTF_8), value);
  }

  /** Applies one record of the models topic. */
  public void apply(ConsumerRecord<byte[], byte[]> record) {
    apply(record.key(), record.value());
  }

  /** Applies one record of the models topic (key as a string). */
  public void apply(String key, byte[] value) {
    noteVersionNumber(key);
    if (!keepValues) {
      return;
    }
    values.remove(key);
    decoded.remove(key);
    undecodable.remove(key);
    if (value == null) {
      return;
    }
    values.put(key, value);
    try {
      decoded.put(key, ContractSerdes.modelVersion().decode(value));
    } catch (AvroDecodingException e) {
      undecodable.put(key, e.reason() + ": " + e.getMessage());
    }
  }

  /**
   * The value the rule keeps for {@code key} (decodable or not); empty when withdrawn or never
   * seen.
   */
  public Optional<byte[]> latestValue(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * The versions of {@code modelName}, by version number. A record whose key and value disagree on
   * the model or version is left out: the key is what compaction and the readers go by.
   */
  public NavigableMap<Long, ModelVersion> versions(String modelName) {
    TreeMap<Long, ModelVersion> versions = new TreeMap<>();
    decoded.forEach(
        (key, v) -> {
          if (v.getModelName().equals(modelName)
              && key.equals(TopicNames.modelKey(modelName, v.getVersion()))) {
            versions.put(v.getVersion(), v);
          }
        });
    return Collections.unmodifiableNavigableMap(versions);
  }

  /** The newest version of {@code modelName}, if any. */
  public Optional<ModelVersion> latest(String modelName) {
    var versions = versions(modelName);
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
  }

  /**
   * The highest version number any record of {@code modelName} ever used, withdrawn or not: a new
   * version must be above it, so that a version number is never reused.
   */
  public long highestVersionEverUsed(String modelName) {
    return highestEver.getOrDefault(modelName, 0L);
  }

  /**
   * The model name and version of a key {@code <model>/<digits>}; keys of another shape are kept
   * but name no version.
   */
  private void noteVersionNumber(String key) {
    int slash = key.lastIndexOf('/');
    if (slash <= 0 || slash == key.length() - 1) {
      return;
    }
    String digits = key.substring(slash + 1);
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return;
      }
    }
    try {
      highestEver.merge(key.substring(0, slash), Long.parseLong(digits), Math::max);
    } catch (NumberFormatException e) {
      // more digits than a long holds: names no version this product could have published
    }
  }

  /** Keys whose kept value cannot be decoded, with the reason. */
  public List<String> undecodable() {
    List<String> out = new ArrayList<>();
    undecodable.forEach((key, why) -> out.add(key + " (" + why + ")"));
    return out;
  }
}
