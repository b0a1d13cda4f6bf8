package org.mniststream.trainer.publishing;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.mniststream.schemas.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models topic as the trainer sees it: its name, the Kafka client properties to reach it, and
 * the operations the publisher and the readers share (create it if missing, read its committed
 * records to the end).
 *
 * @param clientProperties every Kafka client property given (bootstrap.servers, security, ...);
 *     passed to the admin, producer and consumer clients alike
 * @param name topic name (default {@code mnist.models})
 * @param maxMessageBytes {@code max.message.bytes} to create the topic with when it is missing
 * @param timeout limit for each Kafka operation (creating, reading to the end, committing)
 */
public record ModelsTopic(
    Properties clientProperties, String name, int maxMessageBytes, Duration timeout) {
  /** 4 MiB: room for the CNN (0.9 MB) and larger networks; Kafka's default is 1 MB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(ModelsTopic.class);

  public ModelsTopic {
    Objects.requireNonNull(clientProperties, "clientProperties");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(timeout, "timeout");
    clientProperties = copy(clientProperties);
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("max message bytes too small: " + maxMessageBytes);
    }
  }

  /** The default topic name, limit and timeout. */
  public static ModelsTopic of(Properties clientProperties) {
    return new ModelsTopic(
        clientProperties, TopicNames.DEFAULTS.models(), DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_TIMEOUT);
  }

  public ModelsTopic withName(String topic) {
    return new ModelsTopic(clientProperties, topic, maxMessageBytes, timeout);
  }

  /** A copy of the client properties (callers may add to it). */
  @Override
  public Properties clientProperties() {
    return copy(clientProperties);
  }

  Admin newAdmin() {
    return Admin.create(clientProperties());
  }

  /**
   * Creates the topic when it does not exist (one partition, compacted, {@link #maxMessageBytes})
   * and returns the {@code max.message.bytes} it actually has.
   */
  int ensureExists(Admin admin) throws ModelPublishException {
    try {
      boolean exists =
          admin.listTopics().names().get(millis(), TimeUnit.MILLISECONDS).contains(name);
      if (!exists) {
        NewTopic topic =
            new NewTopic(name, Optional.of(1), Optional.empty())
                .configs(
                    Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(maxMessageBytes)));
        try {
          admin.createTopics(List.of(topic)).all().get(millis(), TimeUnit.MILLISECONDS);
          LOG.info(
              "created models topic {} (compacted, max.message.bytes {})", name, maxMessageBytes);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          // another trainer created it at the same moment: fine
        }
      }
      return maxMessageBytes(admin);
    } catch (ExecutionException e) {
      throw new ModelPublishException(
          "cannot create or describe topic " + name + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new ModelPublishException(
          "Kafka did not answer within " + timeout + " while creating topic " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelPublishException("interrupted", e);
    }
  }

  private int maxMessageBytes(Admin admin)
      throws ExecutionException, InterruptedException, TimeoutException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
    Config config =
        admin
            .describeConfigs(List.of(resource))
            .all()
            .get(millis(), TimeUnit.MILLISECONDS)
            .get(resource);
    ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    return Integer.parseInt(entry.value());
  }

  /**
   * The end of each partition INCLUDING records of transactions still open (the high watermark),
   * for reading up to after they are resolved.
   */
  Map<TopicPartition, Long> highWatermarks(Admin admin) throws ModelPublishException {
    try {
      TopicDescription description =
          admin
              .describeTopics(List.of(name))
              .allTopicNames()
              .get(millis(), TimeUnit.MILLISECONDS)
              .get(name);
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      description
          .partitions()
          .forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets =
          admin
              .listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
              .all()
              .get(millis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, Long> ends = new HashMap<>();
      offsets.forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new ModelPublishException("topic " + name + " does not exist", e.getCause());
      }
      throw new ModelPublishException(
          "cannot read the end offsets of " + name + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new ModelPublishException(
          "Kafka did not answer within " + timeout + " for the offsets of " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelPublishException("interrupted", e);
    }
  }

  /**
   * Reads every COMMITTED record of the topic up to {@code ends} (read_committed: aborted and
   * still-open transactions are never seen; records past an open transaction wait until it is
   * resolved) and hands each to {@code visitor}.
   */
  void readCommitted(Map<TopicPartition, Long> ends, BiConsumer<String, byte[]> visitor)
      throws ModelPublishException {
    Properties props = clientProperties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "mnist-trainer-reader-" + UUID.randomUUID());
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      Collection<TopicPartition> partitions = ends.keySet();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(timeout);
      while (!reached(consumer, ends)) {
        if (Instant.now().isAfter(deadline)) {
          throw new ModelPublishException(
              "could not read "
                  + name
                  + " to its end "
                  + ends
                  + " within "
                  + timeout
                  + ": is a transaction still open on the topic?");
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
            visitor.accept(record.key(), record.value());
          }
        }
      }
    }
  }

  private static boolean reached(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      if (consumer.position(end.getKey()) < end.getValue()) {
        return false;
      }
    }
    return true;
  }

  long millis() {
    return timeout.toMillis();
  }

  private static Properties copy(Properties source) {
    Properties copy = new Properties();
    copy.putAll(source);
    return copy;
  }
}
