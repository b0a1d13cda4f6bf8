package org.mniststream.dashboard;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.TopicReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, on its own thread, into a {@link QualityBoard}:
 *
 * <ul>
 *   <li>{@code topics.quality}: key {@code <model>/<version>/<route>/<window>}, value {@link
 *       QualityReport} (compacted: its content is the current quality);
 *   <li>{@code topics.rollouts}: key the model name, value {@link ModelRollout} (compacted);
 *   <li>{@code topics.decisions}: key the model name, value {@link JudgeDecision}.
 * </ul>
 *
 * <p>Like the fleet, its consumer is assigned every partition from the beginning, not subscribed:
 * the state is the whole of two compacted topics, and the decisions topic's history is the list.
 * The three are created by different apps, at different times, so until all three are assigned the
 * consumer looks for the missing ones again every {@link #RETRY}. A record that does not decode is
 * counted and skipped. The consumer is configured by {@link
 * DashboardClients#qualityConsumerConfig}; this class uses it from its own thread only, and closes
 * it when the thread ends.
 */
final class QualityConsumer extends ConsumerLoop {
  private static final Logger LOG = LoggerFactory.getLogger(QualityConsumer.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  static final Duration RETRY = Duration.ofSeconds(2);

  private final TopicNames topics;
  private final List<String> names;
  private final QualityBoard board;
  private final AvroSerde<QualityReport> qualitySerde = ContractSerdes.qualityReport();
  private final AvroSerde<ModelRollout> rolloutSerde = ContractSerdes.modelRollout();
  private final AvroSerde<JudgeDecision> decisionSerde = ContractSerdes.judgeDecision();
  private long lastLookNanos;

  QualityConsumer(Consumer<byte[], byte[]> consumer, TopicNames topics, QualityBoard board) {
    super(consumer, "dashboard-quality", RETRY);
    this.topics = topics;
    this.names = List.of(topics.quality(), topics.rollouts(), topics.decisions());
    this.board = board;
  }

  /** Until one of the topics exists, there is nothing to poll. */
  @Override
  boolean setUp() {
    lookForTopics();
    if (consumer.assignment().isEmpty()) {
      LOG.debug("None of {} exists yet; retrying in {}", names, RETRY);
      return false;
    }
    assigned(true);
    return true;
  }

  @Override
  void handle(ConsumerRecords<byte[], byte[]> records) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      handle(record);
    }
    if (!allAssigned() && System.nanoTime() - lastLookNanos >= RETRY.toNanos()) {
      lookForTopics();
    }
  }

  private boolean allAssigned() {
    Set<String> assigned = new HashSet<>();
    for (TopicPartition tp : consumer.assignment()) {
      assigned.add(tp.topic());
    }
    return assigned.containsAll(names);
  }

  private void lookForTopics() {
    lastLookNanos = System.nanoTime();
    List<TopicPartition> added = TopicReader.assignFromBeginning(consumer, names, METADATA_TIMEOUT);
    if (!added.isEmpty()) {
      LOG.info("Dashboard reading quality, rollouts and decisions from {}", added);
    }
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    String topic = record.topic();
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    byte[] value = record.value();
    try {
      if (topic.equals(topics.quality())) {
        board.quality(key, value == null ? null : qualitySerde.decode(value));
      } else if (topic.equals(topics.rollouts())) {
        board.rollout(key, value == null ? null : rolloutSerde.decode(value));
      } else if (topic.equals(topics.decisions()) && value != null) {
        board.decision(decisionSerde.decode(value));
      }
    } catch (AvroDecodingException e) {
      board.undecodable(topic);
      LOG.debug(
          "Undecodable record {}-{}@{}: {}",
          topic,
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }
}
