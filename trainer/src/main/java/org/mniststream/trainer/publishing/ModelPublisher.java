package org.mniststream.trainer.publishing;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.mniststream.model.ModelSigning;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.ModelsTopicContents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes model versions to the models topic (key {@link TopicNames#modelKey}, value the {@code
 * ModelVersion} in Avro single-object encoding), assigning each the next version number of its
 * model name.
 *
 * <p><b>Why version numbers are never reused, even with trainers racing.</b> Every publisher of a
 * model name uses the same {@code transactional.id} ({@code mnist-trainer-<modelName>}). {@code
 * initTransactions()} makes the transaction coordinator bump that id's epoch: from then on any
 * other producer with the same id is fenced (its sends and commits fail), its open transaction is
 * aborted, and a transaction it had already committed is completed, markers and all, before {@code
 * initTransactions()} returns. So after {@code initTransactions()} this publisher is the only one
 * that can still commit a version of this model, and every version committed before is readable. It
 * then reads the topic to its end with a {@code read_committed} consumer (up to the high watermark
 * taken after {@code initTransactions()}, so a transaction of another model that is still open
 * cannot hide a committed record behind it), takes the largest version of the name, and produces
 * max+1 inside a transaction. If another trainer initialized in between, this one is fenced,
 * nothing of it becomes visible, and it starts over with a fresh producer: the loser retries,
 * nobody writes a duplicate, and numbers stay gap-free.
 *
 * <p>A record larger than the topic's {@code max.message.bytes} is refused before anything is sent
 * ({@link ModelTooLargeException}); models are never chunked.
 */
public final class ModelPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);

  /** Room for the record batch and record headers around key and value. */
  static final int RECORD_OVERHEAD_BYTES = 256;

  private static final int MAX_ATTEMPTS = 20;

  private final ModelsTopic topic;

  /**
   * @throws IllegalArgumentException when the client properties set {@code transactional.id}: the
   *     publisher must choose it (see the class comment), and silently keeping a user's value would
   *     let racing trainers write the same version number
   */
  public ModelPublisher(ModelsTopic topic) {
    this.topic = Objects.requireNonNull(topic, "topic");
    String given = topic.clientProperties().getProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    if (given != null) {
      // Refused rather than overridden: a user who set it may rely on it (ACLs, for example), and
      // an error says up front which id the publisher will use instead.
      throw new IllegalArgumentException(
          "the Kafka client property "
              + ProducerConfig.TRANSACTIONAL_ID_CONFIG
              + "="
              + given
              + " is not allowed when publishing models: every publisher of a model name must"
              + " share the transactional id "
              + transactionalId("<model name>")
              + " so that racing trainers fence each other and version numbers stay unique and"
              + " gap-free; remove the property (grant ACLs on the prefix "
              + transactionalId("")
              + " instead)");
    }
  }

  /** The transactional id every publisher of {@code modelName} shares. */
  public static String transactionalId(String modelName) {
    return "mnist-trainer-" + modelName;
  }

  /**
   * Publishes {@code model} as the next version of its model name, signed with {@code signingKeys}
   * when they are given (the signature covers the version number, so it is made here). Returns the
   * record exactly as published.
   */
  public ModelVersion publish(ModelVersion model, KeyPair signingKeys)
      throws ModelPublishException {
    String modelName = model.getModelName();
    Admin admin = topic.newAdmin();
    try {
      int limit = topic.ensureExists(admin);
      KafkaException lastFencing = null;
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        try (KafkaProducer<String, byte[]> producer = newProducer(modelName, limit)) {
          try {
            return publishOnce(admin, producer, model, signingKeys, limit);
          } catch (ProducerFencedException
              | InvalidProducerEpochException
              | InvalidTxnStateException
              | TransactionAbortedException e) {
            lastFencing = e;
            LOG.info(
                "publisher of {} fenced by another trainer (attempt {}/{}); retrying",
                modelName,
                attempt,
                MAX_ATTEMPTS);
          }
        }
        backOff(attempt);
      }
      throw new ModelPublishException(
          "gave up publishing "
              + modelName
              + " after "
              + MAX_ATTEMPTS
              + " attempts: other trainers kept fencing this one",
          lastFencing);
    } catch (KafkaException e) {
      throw new ModelPublishException("publishing to " + topic.name() + " failed: " + e, e);
    } finally {
      ModelsTopic.close(admin);
    }
  }

  private ModelVersion publishOnce(
      Admin admin,
      KafkaProducer<String, byte[]> producer,
      ModelVersion model,
      KeyPair signingKeys,
      int limit)
      throws ModelPublishException {
    producer.initTransactions();
    long version = maxVersion(admin, model.getModelName()) + 1;
    ModelVersion published = ModelVersion.newBuilder(model).setVersion(version).build();
    published.setSignature(null);
    published.setSigningKeyId(null);
    if (signingKeys != null) {
      ModelSigning.sign(published, signingKeys);
    }
    String key = TopicNames.modelKey(model.getModelName(), version);
    byte[] value = ContractSerdes.modelVersion().encode(published);
    checkSize(key, value, limit);
    producer.beginTransaction();
    try {
      producer
          .send(new ProducerRecord<>(topic.name(), key, value))
          .get(topic.millis(), TimeUnit.MILLISECONDS);
      producer.commitTransaction();
    } catch (ExecutionException e) {
      abortQuietly(producer);
      Throwable cause = e.getCause();
      if (cause instanceof RecordTooLargeException) {
        throw tooLarge(key, value, limit, cause.getMessage());
      }
      if (cause instanceof KafkaException kafka) {
        throw kafka;
      }
      throw new ModelPublishException("sending " + key + " failed: " + cause, cause);
    } catch (TimeoutException e) {
      abortQuietly(producer);
      throw new ModelPublishException(
          "Kafka did not acknowledge " + key + " within " + topic.timeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelPublishException("interrupted while publishing " + key, e);
    }
    LOG.info(
        "published {} to {} ({} bytes{})",
        key,
        topic.name(),
        value.length,
        signingKeys == null ? ", unsigned" : ", signed by key " + published.getSigningKeyId());
    return published;
  }

  /**
   * The largest version of {@code modelName} ever committed to the topic (a withdrawn one too: a
   * version number is never reused), 0 when there is none.
   */
  private long maxVersion(Admin admin, String modelName) throws ModelPublishException {
    return topic
        .contents(admin, ModelsTopicContents.versionNumbersOnly())
        .highestVersionEverUsed(modelName);
  }

  private void checkSize(String key, byte[] value, int limit) throws ModelTooLargeException {
    long size = (long) key.getBytes(StandardCharsets.UTF_8).length + value.length;
    if (size + RECORD_OVERHEAD_BYTES > limit) {
      throw tooLarge(key, value, limit, null);
    }
  }

  private ModelTooLargeException tooLarge(String key, byte[] value, int limit, String kafkaSays) {
    long size = (long) key.getBytes(StandardCharsets.UTF_8).length + value.length;
    return new ModelTooLargeException(
        "model version "
            + key
            + " is "
            + size
            + " bytes (plus about "
            + RECORD_OVERHEAD_BYTES
            + " bytes of record overhead), but topic "
            + topic.name()
            + " accepts at most "
            + limit
            + " bytes per record (max.message.bytes). Models are not chunked: raise the topic's"
            + " max.message.bytes (and the producer's max.request.size) to at least "
            + (size + RECORD_OVERHEAD_BYTES)
            + (kafkaSays == null ? "" : " (Kafka: " + kafkaSays + ")"),
        size,
        limit);
  }

  private KafkaProducer<String, byte[]> newProducer(String modelName, int limit) {
    Properties props = topic.clientProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(modelName));
    props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(limit + 1024));
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "mnist-trainer-publisher");
    props.putIfAbsent(
        ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(topic.timeout().toMillis()));
    // transactions require both; a user value contradicting them would only fail later
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  private static void abortQuietly(KafkaProducer<String, byte[]> producer) {
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      LOG.debug("abort after a failed send failed too: {}", e.toString());
    }
  }

  private static void backOff(int attempt) throws ModelPublishException {
    long ceiling = Math.min(2000L, 50L << Math.min(attempt, 5));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelPublishException("interrupted while waiting to retry", e);
    }
  }
}
