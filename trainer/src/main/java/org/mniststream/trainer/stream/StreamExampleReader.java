package org.mniststream.trainer.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractDecoder;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.topics.TopicReader;
import org.mniststream.trainer.data.DataUnavailableException;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.stream.OffsetSelection.Range;
import org.mniststream.trainer.stream.ServingPreprocessing.Fitted;
import org.mniststream.trainer.stream.ServingPreprocessing.Refused;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads labelled training examples from Kafka with the product's one reader ({@link TopicReader}:
 * group-less, {@code read_committed}, explicit end offsets fixed before the read): first the whole
 * labels topic to its ends of the moment (labels come after their events, so all of it is read
 * whatever the range of events), then the selected range of the image-events topic. Each event goes
 * through {@link ServingPreprocessing}; its label is the labels topic's latest ({@link
 * LatestLabels}), else its inline label; events serving would refuse, unlabelled events and
 * repeated event ids are skipped and counted by reason. Nothing is committed: the offsets read are
 * returned and end up in the version's provenance.
 */
public final class StreamExampleReader {
  private static final Logger LOG = LoggerFactory.getLogger(StreamExampleReader.class);

  private StreamExampleReader() {}

  private record Example(long timestamp, int partition, long offset, byte[] pixels, int label) {}

  /**
   * @param clientProperties bootstrap servers, security, ...
   * @param labelsTopic the labels topic, or null to use inline labels only
   * @throws DataUnavailableException when the image-events topic does not exist
   * @throws IllegalArgumentException when the selection does not fit the topic's partitions
   * @throws TimeoutException when the ends are not reached within {@code timeout}
   */
  public static StreamExamples read(
      Properties clientProperties,
      String imagesTopic,
      String labelsTopic,
      OffsetSelection selection,
      ServingPreprocessing preprocessing,
      Duration timeout)
      throws DataUnavailableException, TimeoutException {
    return read(
        clientProperties,
        imagesTopic,
        labelsTopic,
        selection,
        preprocessing,
        ContractSerdes.labelEvent(),
        timeout);
  }

  /**
   * As above, with the labels decoded by {@code labelDecoder} (one that also reads Confluent
   * framing, when the labels topic carries it).
   */
  public static StreamExamples read(
      Properties clientProperties,
      String imagesTopic,
      String labelsTopic,
      OffsetSelection selection,
      ServingPreprocessing preprocessing,
      ContractDecoder<LabelEvent> labelDecoder,
      Duration timeout)
      throws DataUnavailableException, TimeoutException {
    Properties config = TopicReader.consumerConfig(clientProperties, "mnist-fine-tune");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      Map<String, List<PartitionInfo>> topics = consumer.listTopics(timeout);
      Map<String, Long> skipped = new TreeMap<>();
      LatestLabels labels = new LatestLabels();
      Map<Integer, Range> labelRanges = Map.of();
      Optional<String> labelsRead = Optional.empty();
      if (labelsTopic != null && topics.containsKey(labelsTopic)) {
        labelRanges =
            readRanges(
                consumer,
                labelsTopic,
                topics.get(labelsTopic),
                OffsetSelection.everything(),
                timeout,
                record -> {
                  try {
                    LabelEvent label = labelDecoder.decode(record.value());
                    if (!labels.offer(label)) {
                      skipped.merge("LABEL_INVALID_LABEL", 1L, Long::sum);
                    }
                  } catch (AvroDecodingException e) {
                    skipped.merge("LABEL_" + e.reason().name(), 1L, Long::sum);
                  }
                });
        labelsRead = Optional.of(labelsTopic);
      } else if (labelsTopic != null) {
        LOG.info("labels topic {} does not exist: inline labels only", labelsTopic);
      }
      if (!topics.containsKey(imagesTopic)) {
        throw new DataUnavailableException("topic " + imagesTopic + " does not exist");
      }
      List<Example> examples = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      long[] sources = new long[2]; // inline, labels topic
      Map<Integer, Range> imageRanges =
          readRanges(
              consumer,
              imagesTopic,
              topics.get(imagesTopic),
              selection,
              timeout,
              record -> {
                String reason = null;
                ServingPreprocessing.Result result =
                    preprocessing.apply(record.key(), record.value());
                if (result instanceof Refused refused) {
                  reason = refused.reason().name();
                } else if (result instanceof Fitted fitted) {
                  String id = fitted.event().getEventId();
                  OptionalInt joined = labels.of(id);
                  Integer inline = fitted.event().getLabel();
                  if (!seen.add(id)) {
                    reason = StreamExamples.DUPLICATE_EVENT;
                  } else if (joined.isEmpty() && inline == null) {
                    reason = StreamExamples.UNLABELLED;
                  } else {
                    sources[joined.isPresent() ? 1 : 0]++;
                    examples.add(
                        new Example(
                            record.timestamp(),
                            record.partition(),
                            record.offset(),
                            fitted.image().pixels(),
                            joined.isPresent() ? joined.getAsInt() : inline));
                  }
                }
                if (reason != null) {
                  skipped.merge(reason, 1L, Long::sum);
                }
              });
      examples.sort(
          Comparator.comparingLong(Example::timestamp)
              .thenComparingInt(Example::partition)
              .thenComparingLong(Example::offset));
      int side = preprocessing.side();
      byte[] pixels = new byte[Math.multiplyExact(examples.size(), side * side)];
      byte[] labelBytes = new byte[examples.size()];
      for (int i = 0; i < examples.size(); i++) {
        System.arraycopy(examples.get(i).pixels(), 0, pixels, i * side * side, side * side);
        labelBytes[i] = (byte) examples.get(i).label();
      }
      return new StreamExamples(
          new IdxDataset(pixels, labelBytes, examples.size(), side, side),
          imagesTopic,
          imageRanges,
          labelsRead,
          labelRanges,
          skipped,
          sources[0],
          sources[1]);
    }
  }

  /** Resolves the selection on {@code topic}, reads those ranges, returns them. */
  private static Map<Integer, Range> readRanges(
      Consumer<byte[], byte[]> consumer,
      String topic,
      List<PartitionInfo> partitions,
      OffsetSelection selection,
      Duration timeout,
      java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>>
          sink)
      throws TimeoutException {
    List<TopicPartition> all =
        partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(all);
    Map<Integer, Long> beginnings = byPartition(consumer.beginningOffsets(all, timeout));
    // under read_committed: the last stable offsets, so an open transaction is never waited for
    Map<Integer, Long> ends = byPartition(consumer.endOffsets(all, timeout));
    Map<Integer, Range> ranges =
        selection.resolve(beginnings, ends, instant -> offsetsForTime(consumer, all, instant));
    List<TopicPartition> read = new ArrayList<>();
    Map<TopicPartition, Long> stops = new HashMap<>();
    ranges.forEach(
        (p, r) -> {
          TopicPartition tp = new TopicPartition(topic, p);
          read.add(tp);
          stops.put(tp, r.to());
        });
    consumer.assign(read);
    ranges.forEach((p, r) -> consumer.seek(new TopicPartition(topic, p), r.from()));
    long count = TopicReader.readTo(consumer, stops, timeout, sink);
    LOG.info("read {} records of {}", count, StreamExamples.describe(topic, ranges));
    return ranges;
  }

  private static Map<Integer, Long> offsetsForTime(
      Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Instant instant) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, instant.toEpochMilli()));
    Map<Integer, Long> offsets = new HashMap<>();
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    found.forEach((tp, at) -> offsets.put(tp.partition(), at == null ? null : at.offset()));
    return offsets;
  }

  private static Map<Integer, Long> byPartition(Map<TopicPartition, Long> offsets) {
    Map<Integer, Long> result = new TreeMap<>();
    offsets.forEach((tp, offset) -> result.put(tp.partition(), offset));
    return result;
  }
}
