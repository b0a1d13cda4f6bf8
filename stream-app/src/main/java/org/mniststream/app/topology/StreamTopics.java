package org.mniststream.app.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.ReviewRequest;
import org.mniststream.schemas.Topic;
import org.mniststream.schemas.TopicNames;

/**
 * The topics of the classifier as typed descriptors. Sources are read as raw bytes on purpose: the
 * contract is decoded inside the processors, where a bad record can become a dead letter (images)
 * or a logged refusal (models, rollouts, trusted keys) instead of an exception in the consumer.
 */
public record StreamTopics(
    Topic<byte[], byte[]> images,
    Topic<byte[], Prediction> predictions,
    Topic<byte[], Prediction> shadowPredictions,
    Topic<byte[], DeadLetter> deadLetters,
    Topic<byte[], byte[]> models,
    Topic<byte[], byte[]> rollouts,
    Topic<byte[], ReviewRequest> review,
    Topic<byte[], byte[]> trustedKeys) {

  public static StreamTopics from(TopicNames names) {
    Serde<byte[]> bytes = Serdes.ByteArray();
    return new StreamTopics(
        new Topic<>(names.images(), bytes, bytes),
        new Topic<>(names.predictions(), bytes, ContractSerdes.prediction()),
        new Topic<>(names.shadowPredictions(), bytes, ContractSerdes.prediction()),
        new Topic<>(names.deadLetters(), bytes, ContractSerdes.deadLetter()),
        new Topic<>(names.models(), bytes, bytes),
        new Topic<>(names.rollouts(), bytes, bytes),
        new Topic<>(names.review(), bytes, ContractSerdes.reviewRequest()),
        new Topic<>(names.trustedKeys(), bytes, bytes));
  }
}
