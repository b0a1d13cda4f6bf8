package org.mniststream.trainer.publishing;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;

/** Reads published model versions back from the models topic (committed records only). */
public final class ModelTopicReader {
  private final ModelsTopic topic;

  public ModelTopicReader(ModelsTopic topic) {
    this.topic = topic;
  }

  /**
   * The given version of {@code modelName}, or the latest when {@code version} is empty; empty when
   * the topic has no such version.
   */
  public Optional<ModelVersion> read(String modelName, OptionalLong version)
      throws ModelPublishException {
    String prefix = modelName + "/";
    AtomicReference<byte[]> found = new AtomicReference<>();
    AtomicLong foundVersion = new AtomicLong(-1);
    try (Admin admin = topic.newAdmin()) {
      Map<TopicPartition, Long> ends = topic.highWatermarks(admin);
      topic.readCommitted(
          ends,
          (key, value) -> {
            if (key == null || !key.startsWith(prefix)) {
              return;
            }
            long v;
            try {
              v = Long.parseLong(key.substring(prefix.length()));
            } catch (NumberFormatException e) {
              return;
            }
            boolean wanted =
                version.isPresent() ? v == version.getAsLong() : v >= foundVersion.get();
            if (wanted) {
              // a later record for the same key replaces an earlier one, as compaction would
              foundVersion.set(v);
              found.set(value);
            }
          });
    } catch (KafkaException e) {
      throw new ModelPublishException("reading " + topic.name() + " failed: " + e, e);
    }
    byte[] value = found.get();
    if (value == null) {
      return Optional.empty();
    }
    String key = TopicNames.modelKey(modelName, foundVersion.get());
    try {
      return Optional.of(ContractSerdes.modelVersion().decode(value));
    } catch (AvroDecodingException e) {
      throw new ModelPublishException(key + " on " + topic.name() + " cannot be decoded: " + e, e);
    }
  }
}
