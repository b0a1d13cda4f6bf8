package org.mniststream.dashboard;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractDecoder;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.SchemaRegistryException;
import org.mniststream.schemas.framing.SchemaRegistryUnavailableException;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's one Kafka consumer, on its own thread. Reads:
 *
 * <ul>
 *   <li>{@code topics.predictions}: key the image event's key, value {@link Prediction};
 *   <li>{@code topics.predictions.shadow}: same types, for the shadow versions' accuracy;
 *   <li>{@code topics.dead-letters}: key the original key bytes, value {@link DeadLetter};
 *   <li>{@code topics.images}: key the event key, value {@link ImageEvent}, for the pixels of the
 *       strip's thumbnails (predictions carry none).
 * </ul>
 *
 * The consumer is configured by {@link DashboardClients#consumerConfig}; this class uses it from
 * its own thread only, and closes it when the thread ends.
 */
final class StreamConsumer extends ConsumerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(StreamConsumer.class);

  private final TopicNames topics;
  private final Aggregates aggregates;
  private final Consumer<Aggregates.DrawnOutcome> drawnOutcome;
  private final Replies replies;
  private final ContractDecoder<Prediction> predictionSerde;
  private final ContractDecoder<DeadLetter> deadLetterSerde;
  private final ContractDecoder<ImageEvent> imageSerde;

  StreamConsumer(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      TopicNames topics,
      Aggregates aggregates,
      Consumer<Aggregates.DrawnOutcome> drawnOutcome,
      Replies replies) {
    this(
        consumer,
        topics,
        aggregates,
        drawnOutcome,
        replies,
        ValueCodecs.of(ValueFormats.SINGLE_OBJECT));
  }

  /** As above, reading values in either format {@code codecs} read. */
  StreamConsumer(
      org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
      TopicNames topics,
      Aggregates aggregates,
      Consumer<Aggregates.DrawnOutcome> drawnOutcome,
      Replies replies,
      ValueCodecs codecs) {
    super(consumer, "dashboard-consumer", Duration.ofSeconds(1));
    this.predictionSerde = codecs.serde(topics.predictions(), ContractSerdes.prediction());
    this.deadLetterSerde = codecs.serde(topics.deadLetters(), ContractSerdes.deadLetter());
    this.imageSerde = codecs.serde(topics.images(), ContractSerdes.imageEvent());
    this.topics = topics;
    this.aggregates = aggregates;
    this.drawnOutcome = drawnOutcome;
    this.replies = replies;
  }

  /**
   * Who waits for a reply by event id besides the page (the inference endpoints): told of every
   * prediction of the predictions topic and every dead letter, on this consumer's thread.
   */
  interface Replies {
    void prediction(Prediction prediction);

    void deadLetter(DeadLetter letter);
  }

  @Override
  boolean setUp() {
    List<String> names =
        List.of(
            topics.predictions(),
            topics.shadowPredictions(),
            topics.deadLetters(),
            topics.images());
    consumer.subscribe(
        names,
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned(!consumer.assignment().isEmpty());
            LOG.info(
                "Dashboard consuming {} partitions of {}", consumer.assignment().size(), names);
          }
        });
    return true;
  }

  @Override
  void handle(ConsumerRecords<byte[], byte[]> records) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      handle(record);
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    String topic = record.topic();
    try {
      Optional<Aggregates.DrawnOutcome> outcome = Optional.empty();
      if (topic.equals(topics.predictions())) {
        Prediction prediction = predictionSerde.decode(record.value());
        replies.prediction(prediction);
        outcome = aggregates.prediction(prediction, false);
      } else if (topic.equals(topics.shadowPredictions())) {
        aggregates.prediction(predictionSerde.decode(record.value()), true);
      } else if (topic.equals(topics.deadLetters())) {
        DeadLetter letter = deadLetterSerde.decode(record.value());
        replies.deadLetter(letter);
        outcome = aggregates.deadLetter(letter);
      } else if (topic.equals(topics.images())) {
        aggregates.image(imageSerde.decode(record.value()));
      }
      outcome.ifPresent(drawnOutcome);
    } catch (SchemaRegistryUnavailableException | SchemaRegistryException e) {
      // a viewer: the record is counted as unreadable here rather than stopping the page
      aggregates.undecodable(topic);
      LOG.warn(
          "Record {}-{}@{} not decoded: {}",
          topic,
          record.partition(),
          record.offset(),
          e.getMessage());
    } catch (AvroDecodingException e) {
      // Bad image events are the app's to dead-letter; here they are only counted.
      aggregates.undecodable(topic);
      LOG.debug(
          "Undecodable record {}-{}@{}: {}",
          topic,
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }
}
