package org.mniststream.dashboard;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.TopicNames;
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
 * Its group is random and fresh: every dashboard sees every partition (a shared group would split
 * them, and each dashboard would count a share). It starts from the latest offsets (a dashboard
 * shows what happens from now on; replaying a 7-day topic at start would only delay that), reads
 * committed records only (an aborted exactly-once transaction's predictions were never real), and
 * commits nothing.
 */
final class StreamConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final TopicNames topics;
  private final Aggregates aggregates;
  private final Consumer<String> drawnOutcome;
  private final Thread thread;
  private final AvroSerde<Prediction> predictionSerde = ContractSerdes.prediction();
  private final AvroSerde<DeadLetter> deadLetterSerde = ContractSerdes.deadLetter();
  private final AvroSerde<ImageEvent> imageSerde = ContractSerdes.imageEvent();
  private volatile boolean running = true;
  private volatile boolean assigned;

  StreamConsumer(
      Properties kafka, TopicNames topics, Aggregates aggregates, Consumer<String> drawnOutcome) {
    this.consumer = new KafkaConsumer<>(consumerConfig(kafka));
    this.topics = topics;
    this.aggregates = aggregates;
    this.drawnOutcome = drawnOutcome;
    this.thread = new Thread(this::run, "dashboard-consumer");
    this.thread.setDaemon(true);
  }

  /** The caller's properties (security and the like pass through) with what must hold here. */
  static Properties consumerConfig(Properties kafka) {
    Properties props = KafkaProps.clientProperties(kafka);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "mnist-dashboard-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "mnist-dashboard");
    return props;
  }

  void start() {
    thread.start();
  }

  /** Whether partitions are assigned: from then on, every new record is seen. */
  boolean assigned() {
    return assigned;
  }

  private void run() {
    List<String> names =
        List.of(
            topics.predictions(),
            topics.shadowPredictions(),
            topics.deadLetters(),
            topics.images());
    try {
      consumer.subscribe(
          names,
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              assigned = !consumer.assignment().isEmpty();
              LOG.info(
                  "Dashboard consuming {} partitions of {}", consumer.assignment().size(), names);
            }
          });
      while (running) {
        try {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            handle(record);
          }
        } catch (WakeupException e) {
          break;
        } catch (KafkaException e) {
          // Authorization, a deleted topic, a broker away: say so, keep trying.
          LOG.warn("Dashboard consumer: {}; retrying in 1 s", e.toString());
          sleep();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("Dashboard consumer stopped", e);
    } finally {
      consumer.close();
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    String topic = record.topic();
    try {
      Optional<String> outcome = Optional.empty();
      if (topic.equals(topics.predictions())) {
        outcome = aggregates.prediction(predictionSerde.decode(record.value()), false);
      } else if (topic.equals(topics.shadowPredictions())) {
        aggregates.prediction(predictionSerde.decode(record.value()), true);
      } else if (topic.equals(topics.deadLetters())) {
        outcome = aggregates.deadLetter(deadLetterSerde.decode(record.value()));
      } else if (topic.equals(topics.images())) {
        aggregates.image(imageSerde.decode(record.value()));
      }
      outcome.ifPresent(drawnOutcome);
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

  private void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
