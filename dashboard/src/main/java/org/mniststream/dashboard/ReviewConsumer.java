package org.mniststream.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ReviewRequest;
import org.mniststream.topics.TopicReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code topics.review} (key the image event's key, value {@link ReviewRequest}) into a
 * {@link ReviewQueue}, on its own thread. Its consumer is assigned every partition, not subscribed
 * (every dashboard shows every request), starting {@value ReviewQueue#CAPACITY} records before each
 * partition's end: the panel keeps that many, so older ones would only be read to be dropped. Until
 * the topic exists it looks again every {@link #RETRY}. A record that does not decode is counted
 * and skipped. Configured by {@link DashboardClients#reviewConsumerConfig}; used from its own
 * thread only and closed when the thread ends.
 */
final class ReviewConsumer extends ConsumerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ReviewConsumer.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  static final Duration RETRY = Duration.ofSeconds(2);

  private final String topic;
  private final ReviewQueue queue;
  private final AvroSerde<ReviewRequest> serde = ContractSerdes.reviewRequest();

  ReviewConsumer(Consumer<byte[], byte[]> consumer, String topic, ReviewQueue queue) {
    super(consumer, "dashboard-review", RETRY);
    this.topic = topic;
    this.queue = queue;
  }

  @Override
  boolean setUp() {
    List<TopicPartition> added =
        TopicReader.assignFromBeginning(consumer, List.of(topic), METADATA_TIMEOUT);
    if (added.isEmpty()) {
      LOG.debug("{} does not exist yet; retrying in {}", topic, RETRY);
      return false;
    }
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(added, METADATA_TIMEOUT);
    Map<TopicPartition, Long> end = consumer.endOffsets(added, METADATA_TIMEOUT);
    for (TopicPartition tp : added) {
      consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - ReviewQueue.CAPACITY));
    }
    LOG.info("Dashboard reading review requests from {}", added);
    assigned(true);
    return true;
  }

  @Override
  void handle(ConsumerRecords<byte[], byte[]> records) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (record.value() == null) {
        continue;
      }
      try {
        queue.add(serde.decode(record.value()));
      } catch (AvroDecodingException e) {
        queue.undecodable();
        LOG.debug(
            "Undecodable record {}-{}@{}: {}",
            record.topic(),
            record.partition(),
            record.offset(),
            e.getMessage());
      }
    }
  }
}
