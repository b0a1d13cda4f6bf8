package org.mniststream.trainer.stream;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Which records of a topic to read: explicit offsets per partition, a time range, or (when nothing
 * is given) everything up to the ends of the moment. Pure: {@link #resolve} turns it into offset
 * ranges from the partitions' current beginnings and ends, so the rules are tested without a
 * broker.
 *
 * @param ranges {@code --offsets}: only these partitions, each {@code [from, to)}; empty when not
 *     given
 * @param from {@code --from-offsets}: start offsets of some partitions (the others: their
 *     beginning)
 * @param to {@code --to-offsets}: end offsets (exclusive) of some partitions (the others: their
 *     end)
 * @param since {@code --since}: first record with a timestamp at or after this instant
 * @param until {@code --until}: stop before the first record with a timestamp at or after this
 */
public record OffsetSelection(
    Map<Integer, Range> ranges,
    Map<Integer, Long> from,
    Map<Integer, Long> to,
    Optional<Instant> since,
    Optional<Instant> until) {

  /** Offsets {@code [from, to)} of one partition. */
  public record Range(long from, long to) {
    public Range {
      if (from < 0 || to < from) {
        throw new IllegalArgumentException(
            "an offset range needs 0 <= from <= to, got " + from + "-" + to);
      }
    }

    public long count() {
      return to - from;
    }

    @Override
    public String toString() {
      return from + "-" + to;
    }
  }

  public OffsetSelection {
    ranges = Map.copyOf(ranges);
    from = Map.copyOf(from);
    to = Map.copyOf(to);
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(until, "until");
    boolean byOffsets = !from.isEmpty() || !to.isEmpty();
    boolean byTime = since.isPresent() || until.isPresent();
    if (!ranges.isEmpty() && (byOffsets || byTime)) {
      throw new IllegalArgumentException(
          "--offsets names whole ranges: it does not combine with --from-offsets, --to-offsets,"
              + " --since or --until");
    }
    if (byOffsets && byTime) {
      throw new IllegalArgumentException(
          "choose offsets (--from-offsets/--to-offsets) or a time range (--since/--until), not"
              + " both");
    }
    if (since.isPresent() && until.isPresent() && until.get().isBefore(since.get())) {
      throw new IllegalArgumentException(
          "--until " + until.get() + " is before --since " + since.get());
    }
  }

  /** Everything up to the ends of the moment. */
  public static OffsetSelection everything() {
    return new OffsetSelection(Map.of(), Map.of(), Map.of(), Optional.empty(), Optional.empty());
  }

  /**
   * Parses {@code 0:120-5000,1:0-4800} (partition:from-to, to exclusive) into ranges by partition.
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public static Map<Integer, Range> parseRanges(String text) {
    Map<Integer, Range> ranges = new TreeMap<>();
    for (Map.Entry<Integer, String> e : parts(text, "partition:from-to").entrySet()) {
      String value = e.getValue();
      int dash = value.indexOf('-');
      if (dash <= 0 || dash == value.length() - 1) {
        throw new IllegalArgumentException(
            "'" + e.getKey() + ":" + value + "' is not partition:from-to, e.g. 0:120-5000");
      }
      long from = offset(value.substring(0, dash), value);
      long to = offset(value.substring(dash + 1), value);
      if (to < from) {
        throw new IllegalArgumentException(
            "partition " + e.getKey() + ": range " + value + " ends before it starts");
      }
      ranges.put(e.getKey(), new Range(from, to));
    }
    return ranges;
  }

  /** Parses {@code 0:120,1:0} (partition:offset) into offsets by partition. */
  public static Map<Integer, Long> parseOffsets(String text) {
    Map<Integer, Long> offsets = new TreeMap<>();
    parts(text, "partition:offset")
        .forEach((partition, value) -> offsets.put(partition, offset(value, value)));
    return offsets;
  }

  private static Map<Integer, String> parts(String text, String shape) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty offsets: expected " + shape + ",...");
    }
    Map<Integer, String> parts = new LinkedHashMap<>();
    for (String part : text.split(",", -1)) {
      String p = part.strip();
      int colon = p.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + p + "' is not " + shape);
      }
      int partition;
      try {
        partition = Integer.parseInt(p.substring(0, colon));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "'" + p.substring(0, colon) + "' is not a partition number (in '" + p + "')");
      }
      if (partition < 0) {
        throw new IllegalArgumentException("partition " + partition + " is negative");
      }
      if (parts.put(partition, p.substring(colon + 1)) != null) {
        throw new IllegalArgumentException("partition " + partition + " is given twice");
      }
    }
    return parts;
  }

  private static long offset(String text, String context) {
    try {
      long value = Long.parseLong(text.strip());
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not an offset (a number >= 0) in '" + context + "'");
  }

  /**
   * The range to read of each partition, sorted by partition.
   *
   * @param beginnings the first offset still in each partition of the topic
   * @param ends each partition's end (the last stable offset, under read_committed)
   * @param offsetForTime the offset of each partition's first record at or after an instant, or
   *     null for a partition with none (the end is used); only called with a time range
   * @throws IllegalArgumentException when the selection names a partition the topic does not have,
   *     or offsets outside what the partition holds
   */
  public Map<Integer, Range> resolve(
      Map<Integer, Long> beginnings,
      Map<Integer, Long> ends,
      Function<Instant, Map<Integer, Long>> offsetForTime) {
    Map<Integer, Range> resolved = new TreeMap<>();
    if (!ranges.isEmpty()) {
      ranges.forEach((p, r) -> resolved.put(p, checked(p, r.from(), r.to(), beginnings, ends)));
      return resolved;
    }
    for (String what : new String[] {"--from-offsets", "--to-offsets"}) {
      for (Integer p : (what.equals("--from-offsets") ? from : to).keySet()) {
        if (!ends.containsKey(p)) {
          throw unknownPartition(p, ends);
        }
      }
    }
    Map<Integer, Long> sinceOffsets = since.map(offsetForTime).orElse(Map.of());
    Map<Integer, Long> untilOffsets = until.map(offsetForTime).orElse(Map.of());
    for (Map.Entry<Integer, Long> e : new TreeMap<>(ends).entrySet()) {
      int p = e.getKey();
      long end = e.getValue();
      long start = from.getOrDefault(p, beginnings.get(p));
      long stop = to.getOrDefault(p, end);
      if (since.isPresent()) {
        Long at = sinceOffsets.get(p);
        start = at == null ? end : Math.max(at, beginnings.get(p));
      }
      if (until.isPresent()) {
        Long at = untilOffsets.get(p);
        stop = at == null ? end : Math.min(at, end);
      }
      resolved.put(p, checked(p, start, Math.max(start, stop), beginnings, ends));
    }
    return resolved;
  }

  private static Range checked(
      int p, long start, long stop, Map<Integer, Long> beginnings, Map<Integer, Long> ends) {
    if (!ends.containsKey(p)) {
      throw unknownPartition(p, ends);
    }
    long beginning = beginnings.get(p);
    long end = ends.get(p);
    if (start < beginning) {
      throw new IllegalArgumentException(
          "partition "
              + p
              + " starts at offset "
              + beginning
              + " (older records are deleted), cannot read from "
              + start);
    }
    if (stop > end) {
      throw new IllegalArgumentException(
          "partition " + p + " ends at offset " + end + ", cannot read to " + stop);
    }
    if (stop < start) {
      throw new IllegalArgumentException(
          "partition " + p + ": end offset " + stop + " is before start offset " + start);
    }
    return new Range(start, stop);
  }

  private static IllegalArgumentException unknownPartition(int p, Map<Integer, Long> ends) {
    return new IllegalArgumentException(
        "the topic has no partition " + p + " (it has " + new TreeMap<>(ends).keySet() + ")");
  }
}
