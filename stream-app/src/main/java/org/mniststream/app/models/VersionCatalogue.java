package org.mniststream.app.models;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.mniststream.app.models.ModelRegistry.ModelRecordSource;
import org.mniststream.model.Sha256;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;

/**
 * The versions of one model that the models topic holds, as far as the registry knows them: each is
 * valid (with its record) or refused (with the reason). Bookkeeping only: verifying and loading a
 * version is the registry's job, so this class has no DJL and no threads (the registry confines it
 * to its loader thread).
 *
 * <p>The rule of the models topic, the same for every reader of it ({@link
 * org.mniststream.topics.ModelsTopicContents} is the plain-reader form): <b>the last record for a
 * key wins</b>, because it is what compaction keeps, so a running instance and a restarted one
 * agree. A tombstone removes the version; a record with the same bytes as the one known changes
 * nothing (the registry sees each record twice: from the startup bootstrap and from the global
 * processor); a record with other bytes replaces the known one, whether it was valid or refused.
 *
 * <p>Heap: with {@link #retainParameters}, only the newest valid versions and the ones the caller
 * keeps (the loaded ones) hold their parameter bytes; {@link #withParameters} reads an evicted one
 * back from the models topic. Without it every valid version keeps its bytes.
 */
final class VersionCatalogue {
  /** What a record means for the version it carries. */
  enum Change {
    /** The version was not known. */
    NEW,
    /** The same bytes as the known record: nothing to do. */
    SAME,
    /** Other bytes than the known record (valid or refused): the new record replaces it. */
    REPLACEMENT
  }

  private final String modelName;
  private final AvroSerde<ModelVersion> serde = ContractSerdes.modelVersion();
  private final TreeMap<Long, ModelVersion> valid = new TreeMap<>();
  private final Map<Long, String> refused = new TreeMap<>();
  private final Map<Long, String> recordSha256 = new HashMap<>();
  private final Set<Long> released = new HashSet<>();
  private int retainedVersions = Integer.MAX_VALUE;
  private ModelRecordSource source;

  VersionCatalogue(String modelName) {
    this.modelName = modelName;
  }

  /**
   * Keeps the parameter bytes of the newest {@code newestVersions} valid versions only (besides
   * those {@link #releaseParameters} is told to keep); the others are read back from {@code
   * source}.
   */
  void retainParameters(int newestVersions, ModelRecordSource source) {
    if (newestVersions < 0) {
      throw new IllegalArgumentException("newestVersions must be >= 0, got " + newestVersions);
    }
    this.source = Objects.requireNonNull(source, "source");
    this.retainedVersions = newestVersions;
  }

  /** The version a models-topic key names ({@code name/0000000042}); empty for another model's. */
  OptionalLong versionOf(String key) {
    int slash = key == null ? -1 : key.lastIndexOf('/');
    if (slash < 0 || !key.substring(0, slash).equals(modelName)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(key.substring(slash + 1)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** What {@code record} (the value of {@code version}'s key) means under the topic's rule. */
  Change compare(long version, byte[] record) {
    String known = recordSha256.get(version);
    if (known == null) {
      return Change.NEW;
    }
    return known.equals(Sha256.hex(record)) ? Change.SAME : Change.REPLACEMENT;
  }

  /** {@code version} verified: it may serve. {@code record} is its value on the models topic. */
  void accept(ModelVersion version, byte[] record) {
    long n = version.getVersion();
    valid.put(n, version);
    refused.remove(n);
    released.remove(n);
    recordSha256.put(n, Sha256.hex(record));
  }

  /**
   * {@code version} may not serve, for {@code reason}.
   *
   * @param record the refused value, or null when the known record itself failed (to load again)
   * @return whether it was valid until now
   */
  boolean refuse(long version, byte[] record, String reason) {
    boolean wasValid = valid.remove(version) != null;
    released.remove(version);
    refused.put(version, reason);
    if (record != null) {
      recordSha256.put(version, Sha256.hex(record));
    }
    return wasValid;
  }

  /**
   * A tombstone: the version is gone from the topic.
   *
   * @return whether it was valid until now
   */
  boolean remove(long version) {
    boolean wasValid = valid.remove(version) != null;
    refused.remove(version);
    released.remove(version);
    recordSha256.remove(version);
    return wasValid;
  }

  NavigableSet<Long> validVersions() {
    return Collections.unmodifiableNavigableSet(valid.navigableKeySet());
  }

  /** Refused version to reason. */
  Map<Long, String> refusedVersions() {
    return Collections.unmodifiableMap(refused);
  }

  /** The valid versions' records, oldest first; an evicted one without its parameter bytes. */
  List<ModelVersion> validRecords() {
    return new ArrayList<>(valid.values());
  }

  Optional<ModelVersion> valid(long version) {
    return Optional.ofNullable(valid.get(version));
  }

  /**
   * Drops the parameter bytes of the valid versions that are neither among the newest retained nor
   * in {@code keep}.
   */
  void releaseParameters(Set<Long> keep) {
    if (source == null) {
      return;
    }
    int rank = 0;
    for (long v : valid.descendingKeySet()) {
      if (rank++ >= retainedVersions && !keep.contains(v) && released.add(v)) {
        valid.put(
            v, ModelVersion.newBuilder(valid.get(v)).setParameters(ByteBuffer.allocate(0)).build());
      }
    }
  }

  /** Whether {@code version}'s parameter bytes were released (and must be read back to load it). */
  boolean isReleased(long version) {
    return released.contains(version);
  }

  /**
   * The valid {@code version} with its parameter bytes, read back from the models topic when they
   * were released.
   *
   * @throws IllegalStateException when the version is not valid, or its record cannot be read back,
   *     or the topic now holds another record for it (its new record is on its way to the registry)
   */
  ModelVersion withParameters(long version) {
    ModelVersion known = valid.get(version);
    if (known == null) {
      throw new IllegalStateException("version " + version + " is not valid");
    }
    if (!released.contains(version)) {
      return known;
    }
    String key = TopicNames.modelKey(modelName, version);
    byte[] record;
    try {
      record =
          source
              .latestValue(key)
              .orElseThrow(() -> new IllegalStateException(key + " is no longer on the topic"));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + key + " back: " + e, e);
    }
    if (!recordSha256.get(version).equals(Sha256.hex(record))) {
      throw new IllegalStateException(key + " on the topic is no longer the record verified");
    }
    ModelVersion read = serde.decode(record);
    valid.put(version, read);
    released.remove(version);
    return read;
  }
}
