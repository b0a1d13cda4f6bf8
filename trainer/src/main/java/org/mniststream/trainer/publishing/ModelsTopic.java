package org.mniststream.trainer.publishing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.ModelsTopicContents;
import org.mniststream.topics.TopicReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models topic as the trainer sees it: its name, the Kafka client properties to reach it, and
 * the operations the publisher and the readers share (create it if missing, read what it holds by
 * the models topic's one rule, {@link ModelsTopicContents}).
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

  /** An admin client whose calls give up within {@link #timeout}; close it with {@link #close}. */
  Admin newAdmin() {
    Properties props = clientProperties();
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(millis));
    props.putIfAbsent(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(Math.min(millis, 30_000)));
    return Admin.create(props);
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
          "cannot reach Kafka at "
              + clientProperties.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
              + " within "
              + timeout.toSeconds()
              + " s (to create or describe topic "
              + name
              + "): check --bootstrap-servers, the cluster and the client's security settings",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelPublishException("interrupted", e);
    }
  }

  /**
   * The topic's {@code max.message.bytes}. Right after a creation the broker asked may not know the
   * topic yet (KRaft: the controller committed it, the broker's metadata has not caught up), so
   * UnknownTopicOrPartition is asked again, within the timeout.
   */
  private int maxMessageBytes(Admin admin)
      throws ExecutionException, InterruptedException, TimeoutException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis());
    while (true) {
      try {
        Config config =
            admin
                .describeConfigs(List.of(resource))
                .all()
                .get(millis(), TimeUnit.MILLISECONDS)
                .get(resource);
        ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        return Integer.parseInt(entry.value());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * What the topic holds by the models topic's one rule ({@link ModelsTopicContents}): every
   * COMMITTED record up to the high watermarks of the moment, so records of transactions still open
   * are waited for (read_committed: aborted ones are never seen). The publisher reads it after
   * fencing the other trainers, so nothing it has not seen can commit meanwhile.
   */
  ModelsTopicContents contents(Admin admin) throws ModelPublishException {
    return contents(admin, new ModelsTopicContents());
  }

  /** {@link #contents(Admin)} folded into {@code contents} (e.g. version numbers only). */
  ModelsTopicContents contents(Admin admin, ModelsTopicContents contents)
      throws ModelPublishException {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            TopicReader.consumerConfig(clientProperties(), "mnist-trainer-reader"))) {
      Map<TopicPartition, Long> ends = TopicReader.highWatermarks(admin, name, timeout);
      consumer.assign(ends.keySet());
      consumer.seekToBeginning(ends.keySet());
      TopicReader.readTo(consumer, ends, timeout, contents::apply);
      return contents;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new ModelPublishException("topic " + name + " does not exist", e.getCause());
      }
      throw new ModelPublishException("cannot read " + name + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new ModelPublishException(
          "could not read "
              + name
              + " to its end within "
              + timeout
              + ": is Kafka reachable, or a transaction still open on the topic?",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelPublishException("interrupted", e);
    }
  }

  /**
   * The given version of {@code modelName}, or its latest when {@code version} is empty; empty when
   * the topic has no such version.
   *
   * @throws ModelPublishException when the wanted version's record cannot be decoded, or Kafka
   *     cannot be read
   */
  public Optional<ModelVersion> published(String modelName, OptionalLong version)
      throws ModelPublishException {
    Admin admin = newAdmin();
    try {
      ModelsTopicContents contents = contents(admin);
      if (version.isEmpty()) {
        return contents.latest(modelName);
      }
      String key = TopicNames.modelKey(modelName, version.getAsLong());
      Optional<ModelVersion> found =
          Optional.ofNullable(contents.versions(modelName).get(version.getAsLong()));
      if (found.isEmpty() && contents.latestValue(key).isPresent()) {
        throw new ModelPublishException(
            key + " on " + name + " is not a valid model version: " + contents.undecodable());
      }
      return found;
    } catch (KafkaException e) {
      throw new ModelPublishException("reading " + name + " failed: " + e, e);
    } finally {
      close(admin);
    }
  }

  /** Closes without waiting for calls that already timed out (they would hold it up to again). */
  static void close(Admin admin) {
    admin.close(Duration.ZERO);
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
