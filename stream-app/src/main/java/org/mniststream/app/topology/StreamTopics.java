package org.mniststream.app.topology;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.mniststream.schemas.ContractDecoder;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.ReviewRequest;
import org.mniststream.schemas.Topic;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;

/**
 * The topics of the classifier as typed descriptors. Sources are read as raw bytes on purpose: the
 * contract is decoded inside the processors, where a bad record can become a dead letter (images)
 * or a logged refusal (models, rollouts, trusted keys) instead of an exception in the consumer.
 *
 * <p>{@code imageDecoder} reads image events in either value format (Avro single-object or
 * Confluent framing); the output serdes write the format configured for their topic ({@code
 * value.format}, see {@link ValueFormats}). Models, rollouts and trusted keys stay single-object on
 * both sides.
 */
public record StreamTopics(
    Topic<byte[], byte[]> images,
    Topic<byte[], Prediction> predictions,
    Topic<byte[], Prediction> shadowPredictions,
    Topic<byte[], DeadLetter> deadLetters,
    Topic<byte[], byte[]> models,
    Topic<byte[], byte[]> rollouts,
    Topic<byte[], ReviewRequest> review,
    Topic<byte[], byte[]> trustedKeys,
    ContractDecoder<ImageEvent> imageDecoder) {

  /** Single-object everywhere, no registry. */
  public static StreamTopics from(TopicNames names) {
    return from(names, ValueCodecs.of(ValueFormats.SINGLE_OBJECT));
  }

  public static StreamTopics from(TopicNames names, ValueCodecs codecs) {
    Serde<byte[]> bytes = Serdes.ByteArray();
    return new StreamTopics(
        new Topic<>(names.images(), bytes, bytes),
        new Topic<>(
            names.predictions(),
            bytes,
            codecs.serde(names.predictions(), ContractSerdes.prediction())),
        new Topic<>(
            names.shadowPredictions(),
            bytes,
            codecs.serde(names.shadowPredictions(), ContractSerdes.prediction())),
        new Topic<>(
            names.deadLetters(),
            bytes,
            codecs.serde(names.deadLetters(), ContractSerdes.deadLetter())),
        new Topic<>(names.models(), bytes, bytes),
        new Topic<>(names.rollouts(), bytes, bytes),
        new Topic<>(
            names.review(), bytes, codecs.serde(names.review(), ContractSerdes.reviewRequest())),
        new Topic<>(names.trustedKeys(), bytes, bytes),
        codecs.serde(names.images(), ContractSerdes.imageEvent()));
  }
}
