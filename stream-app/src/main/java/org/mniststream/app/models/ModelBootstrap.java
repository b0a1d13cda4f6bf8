package org.mniststream.app.models;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.mniststream.topics.TopicReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The startup step that fills the registry before any image is consumed: reads the whole models,
 * rollouts and trusted-keys topics with a plain read_committed consumer, then, while no version can
 * serve, keeps reading new records until one can (or the configured timeout passes).
 *
 * <p>Why it exists besides the global processors: Kafka Streams starts its stream threads as soon
 * as the global stores are restored, without waiting for the registry to <em>load</em> a model, and
 * a global store with a checkpoint is restored without its processor seeing the old records. This
 * step makes "a model serves" a precondition of consuming images, and makes the registry complete
 * whatever the state of the global stores. The registry ignores the records it sees twice.
 */
public final class ModelBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBootstrap.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL = Duration.ofMillis(500);

  private final Properties consumerConfig;
  private final String modelsTopic;
  private final String rolloutsTopic;
  private final String trustedKeysTopic;
  private final ModelRegistry registry;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private volatile boolean stopped;

  public ModelBootstrap(
      Properties consumerConfig,
      String modelsTopic,
      String rolloutsTopic,
      String trustedKeysTopic,
      ModelRegistry registry) {
    this.consumerConfig = consumerConfig;
    this.modelsTopic = modelsTopic;
    this.rolloutsTopic = rolloutsTopic;
    this.trustedKeysTopic = trustedKeysTopic;
    this.registry = registry;
  }

  /**
   * Returns once a version serves.
   *
   * @param modelTimeout how long to wait for a servable version; zero waits forever
   * @throws TimeoutException when no version serves within {@code modelTimeout}
   * @throws InterruptedException when {@link #stop()} was called meanwhile
   */
  public void run(Duration modelTimeout) throws TimeoutException, InterruptedException {
    List<String> topics = List.of(modelsTopic, rolloutsTopic, trustedKeysTopic);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig)) {
      consumer = c;
      if (stopped) {
        throw new InterruptedException("stopped before the bootstrap started");
      }
      TopicReader.assignFromBeginning(c, topics, READ_TIMEOUT);
      long records = TopicReader.readToEnd(c, READ_TIMEOUT, this::feed);
      awaitRegistry();
      LOG.info(
          "Bootstrap read {} records of {}, {} and {}; {}",
          records,
          modelsTopic,
          rolloutsTopic,
          trustedKeysTopic,
          registry.isReady()
              ? "serving " + registry.routing().active()
              : "no servable version of " + registry.modelName() + " yet");
      long deadline = System.nanoTime() + modelTimeout.toNanos();
      long nextLog = 0;
      while (!registry.isReady()) {
        if (!modelTimeout.isZero() && System.nanoTime() - deadline > 0) {
          throw new TimeoutException(
              "no servable version of "
                  + registry.modelName()
                  + " on "
                  + modelsTopic
                  + " within "
                  + modelTimeout);
        }
        if (System.nanoTime() - nextLog > 0) {
          LOG.info("Waiting for a servable version of {} on {}", registry.modelName(), modelsTopic);
          nextLog = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          TopicReader.assignFromBeginning(c, topics, READ_TIMEOUT); // topics created meanwhile
        }
        for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
          feed(record);
        }
        awaitRegistry();
      }
    } catch (WakeupException e) {
      throw new InterruptedException("bootstrap stopped");
    } finally {
      consumer = null;
    }
  }

  /** Makes {@link #run} return (with InterruptedException) from another thread. */
  public void stop() {
    stopped = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  private void feed(ConsumerRecord<byte[], byte[]> record) {
    if (record.topic().equals(modelsTopic)) {
      registry.onModelRecord(record.key(), record.value(), record.timestamp());
    } else if (record.topic().equals(rolloutsTopic)) {
      registry.onRolloutRecord(record.key(), record.value(), record.timestamp());
    } else {
      registry.onTrustedKeyRecord(record.key(), record.value(), record.timestamp());
    }
  }

  private void awaitRegistry() throws InterruptedException {
    try {
      registry.whenIdle().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("model registry failed", e.getCause());
    }
    if (stopped) {
      throw new InterruptedException("bootstrap stopped");
    }
  }
}
