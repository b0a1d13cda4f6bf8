package org.mniststream.trainer.stream;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.stream.OffsetSelection.Range;

/**
 * The labelled examples read from the image-events topic, fitted as serving fits them, in the order
 * they were produced (record timestamp, then partition, then offset), with what was read to get
 * them.
 *
 * @param examples the fitted images and their labels
 * @param imagesTopic the image-events topic
 * @param imageRanges the offsets read of each of its partitions
 * @param labelsTopic the labels topic, empty when none was read (not given, or it does not exist)
 * @param labelRanges the offsets read of each partition of the labels topic (empty without one)
 * @param skipped records read but not used, by reason (a {@code DeadLetterReason} name, {@value
 *     #UNLABELLED}, {@value #DUPLICATE_EVENT} or, for label records, {@code LABEL_} and a reason)
 * @param labelledInline examples whose label came with the event only
 * @param labelledByTopic examples whose label came from the labels topic (which wins over an inline
 *     label: it is the later word, e.g. a reviewer's correction)
 */
public record StreamExamples(
    IdxDataset examples,
    String imagesTopic,
    Map<Integer, Range> imageRanges,
    Optional<String> labelsTopic,
    Map<Integer, Range> labelRanges,
    Map<String, Long> skipped,
    long labelledInline,
    long labelledByTopic) {

  /** An event with no label, neither inline nor on the labels topic. */
  public static final String UNLABELLED = "UNLABELLED";

  /** A second event with an event id already read (a producer's retry): only the first is used. */
  public static final String DUPLICATE_EVENT = "DUPLICATE_EVENT";

  public StreamExamples {
    Objects.requireNonNull(examples, "examples");
    Objects.requireNonNull(imagesTopic, "imagesTopic");
    imageRanges = new TreeMap<>(imageRanges);
    Objects.requireNonNull(labelsTopic, "labelsTopic");
    labelRanges = new TreeMap<>(labelRanges);
    skipped = new TreeMap<>(skipped);
  }

  /** Records read from the image-events topic. */
  public long imageRecords() {
    return imageRanges.values().stream().mapToLong(Range::count).sum();
  }

  /** Skipped records in total. */
  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** {@code topic 0:0-120,1:0-98}. */
  public static String describe(String topic, Map<Integer, Range> ranges) {
    return topic
        + " "
        + ranges.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue())
            .collect(Collectors.joining(","));
  }
}
