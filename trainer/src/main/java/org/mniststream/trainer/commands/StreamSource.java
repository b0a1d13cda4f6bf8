package org.mniststream.trainer.commands;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import org.mniststream.schemas.TopicNames;
import org.mniststream.trainer.stream.OffsetSelection;
import org.mniststream.trainer.stream.ServingPreprocessing;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** fine-tune's options for training from the image-events topic (a picocli mixin). */
final class StreamSource {
  @Option(
      names = "--from-topic",
      arity = "0..1",
      paramLabel = "TOPIC",
      fallbackValue = "mnist.image-events",
      description =
          "Train on the labelled image events of TOPIC (default when given without a value:"
              + " mnist.image-events), fitted and normalized exactly as serving does, mixed with a"
              + " replay sample of --data-dir's training set.")
  String imagesTopic;

  @Option(
      names = "--labels-topic",
      paramLabel = "TOPIC",
      description =
          "Labels joined by event id (latest labelledAt wins, over an inline label); 'none' for"
              + " inline labels only (default: mnist.labels).")
  String labelsTopic = TopicNames.DEFAULTS.labels();

  @Option(
      names = "--offsets",
      paramLabel = "P:FROM-TO,...",
      description =
          "Read only these partitions, each from offset FROM to TO (exclusive), e.g."
              + " 0:120-5000,1:0-4800.")
  String ranges;

  @Option(
      names = "--from-offsets",
      paramLabel = "P:OFFSET,...",
      description = "Start offsets of some partitions (the others: from their beginning).")
  String fromOffsets;

  @Option(
      names = "--to-offsets",
      paramLabel = "P:OFFSET,...",
      description = "End offsets (exclusive) of some partitions (the others: to their end).")
  String toOffsets;

  @Option(
      names = "--since",
      paramLabel = "INSTANT",
      converter = InstantConverter.class,
      description =
          "From the first record at or after this record time, e.g. 2025-01-31T12:00:00Z.")
  Instant since;

  @Option(
      names = "--until",
      paramLabel = "INSTANT",
      converter = InstantConverter.class,
      description = "Up to (excluding) the first record at or after this record time.")
  Instant until;

  @Option(
      names = "--replay-ratio",
      defaultValue = "1.0",
      paramLabel = "R",
      description =
          "Original training images replayed per stream training example, against forgetting; 0"
              + " for none (default: ${DEFAULT-VALUE}).")
  double replayRatio;

  @Option(
      names = "--holdout-fraction",
      defaultValue = "0.1",
      paramLabel = "F",
      description =
          "The latest fraction of the stream examples is not trained on but scored, before and"
              + " after (default: ${DEFAULT-VALUE}).")
  double holdoutFraction;

  @Option(
      names = "--max-image-side",
      defaultValue = "" + ServingPreprocessing.DEFAULT_MAX_SIDE,
      paramLabel = "PIXELS",
      description =
          "Skip images declaring a larger side, as serving does (its image.max-side; default:"
              + " ${DEFAULT-VALUE}).")
  int maxImageSide;

  boolean enabled() {
    return imagesTopic != null;
  }

  /** The labels topic, or null for none. */
  String labelsTopicOrNull() {
    return labelsTopic == null || "none".equals(labelsTopic) ? null : labelsTopic;
  }

  /** The selection; IllegalArgumentException for a combination that does not make sense. */
  OffsetSelection selection() {
    return new OffsetSelection(
        ranges == null ? Map.of() : OffsetSelection.parseRanges(ranges),
        fromOffsets == null ? Map.of() : OffsetSelection.parseOffsets(fromOffsets),
        toOffsets == null ? Map.of() : OffsetSelection.parseOffsets(toOffsets),
        Optional.ofNullable(since),
        Optional.ofNullable(until));
  }

  static final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' is not an ISO-8601 instant such as 2025-01-31T12:00:00Z");
      }
    }
  }
}
