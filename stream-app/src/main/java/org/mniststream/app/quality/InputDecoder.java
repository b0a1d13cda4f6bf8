package org.mniststream.app.quality;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.mniststream.app.topology.DeadLetters;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractDecoder;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.ValueCodecs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the raw predictions or labels the quality app reads and checks them; forwards a good one
 * keyed by its event id (so it can be repartitioned by event), a bad one as a {@link DeadLetter}
 * keyed by its original key. Bad input is counted and dead-lettered, never a failed thread.
 */
final class InputDecoder implements Processor<byte[], byte[], byte[], SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(InputDecoder.class);

  enum Kind {
    PREDICTION,
    LABEL
  }

  private final Kind kind;
  private final Clock clock;
  private final QualityMetrics metrics;
  private final Contracts contracts;
  private ProcessorContext<byte[], SpecificRecord> context;

  InputDecoder(Kind kind, Clock clock, QualityMetrics metrics) {
    this(kind, clock, metrics, Contracts.create());
  }

  InputDecoder(Kind kind, Clock clock, QualityMetrics metrics, Contracts contracts) {
    this.contracts = contracts;
    this.kind = kind;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Decoded decoded = decode(kind, record.value(), contracts);
    if (decoded.value() == null) {
      deadLetter(record, decoded.eventId(), decoded.reason(), decoded.message());
      return;
    }
    context.forward(
        record
            .withKey(decoded.eventId().getBytes(StandardCharsets.UTF_8))
            .withValue(decoded.value()));
  }

  /**
   * A prediction or label decoded and checked: {@code value} is null when it is bad, and {@code
   * reason} and {@code message} say why.
   */
  record Decoded(SpecificRecord value, String eventId, DeadLetterReason reason, String message) {}

  /**
   * The serdes of the two contracts read, made once per decoder: making one parses every released
   * baseline schema of its contract, far more work than decoding a record with it.
   */
  record Contracts(ContractDecoder<Prediction> predictions, ContractDecoder<LabelEvent> labels) {
    static Contracts create() {
      return new Contracts(ContractSerdes.prediction(), ContractSerdes.labelEvent());
    }

    /**
     * Decoders that read Confluent framing too ({@code value.format}, {@code schema.registry.url}):
     * what the classifier writes when so configured.
     */
    static Contracts of(ValueCodecs codecs, TopicNames topics) {
      return new Contracts(
          codecs.serde(topics.predictions(), ContractSerdes.prediction()),
          codecs.serde(topics.labels(), ContractSerdes.labelEvent()));
    }
  }

  /** Decodes and checks one value; the offline recomputation skips what this refuses. */
  static Decoded decode(Kind kind, byte[] bytes, Contracts contracts) {
    try {
      if (kind == Kind.PREDICTION) {
        Prediction p = contracts.predictions().decode(bytes);
        if (p.getPredictedClass() < 0 || p.getPredictedClass() > 9) {
          return bad(
              p.getEventId(),
              DeadLetterReason.UNKNOWN,
              "predicted class " + p.getPredictedClass() + " is not a digit");
        }
        if (p.getLabel() != null && (p.getLabel() < 0 || p.getLabel() > 9)) {
          return bad(
              p.getEventId(),
              DeadLetterReason.INVALID_LABEL,
              "inline label " + p.getLabel() + " is not a digit");
        }
        return checkId(p, p.getEventId());
      }
      LabelEvent l = contracts.labels().decode(bytes);
      if (l.getLabel() < 0 || l.getLabel() > 9) {
        return bad(
            l.getEventId(),
            DeadLetterReason.INVALID_LABEL,
            "label " + l.getLabel() + " is not a digit");
      }
      return checkId(l, l.getEventId());
    } catch (AvroDecodingException e) {
      return bad(null, e.reason(), e.getMessage());
    }
  }

  private static Decoded checkId(SpecificRecord value, String eventId) {
    return eventId.isBlank()
        ? bad(
            null,
            DeadLetterReason.MISSING_KEY,
            value.getSchema().getName() + " without an event id")
        : new Decoded(value, eventId, null, null);
  }

  private static Decoded bad(String eventId, DeadLetterReason reason, String message) {
    return new Decoded(null, eventId, reason, message);
  }

  private void deadLetter(
      Record<byte[], byte[]> record, String eventId, DeadLetterReason reason, String message) {
    RecordMetadata source = context.recordMetadata().orElseThrow();
    DeadLetter letter =
        DeadLetters.of(
            source.topic(),
            source.partition(),
            source.offset(),
            eventId,
            reason,
            message,
            record.key(),
            record.value(),
            clock.instant());
    metrics.invalid(reason);
    LOG.debug(
        "Dead letter for {}-{}@{} ({}): {}",
        source.topic(),
        source.partition(),
        source.offset(),
        reason,
        message);
    context.forward(record.withValue(letter));
  }
}
