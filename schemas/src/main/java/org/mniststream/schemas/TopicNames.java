package org.mniststream.schemas;

import java.util.Properties;

/**
 * The names of every topic of the product, read from configuration ({@code topic.images}, ...) with
 * the defaults below. One place, so the trainer, the stream app and the tools agree.
 */
public record TopicNames(
    String images,
    String predictions,
    String shadowPredictions,
    String models,
    String rollouts,
    String deadLetters) {

  public static final TopicNames DEFAULTS =
      new TopicNames(
          "mnist.image-events",
          "mnist.predictions",
          "mnist.predictions.shadow",
          "mnist.models",
          "mnist.model-rollouts",
          "mnist.dead-letters");

  /** Reads {@code topic.<role>} properties, falling back to {@link #DEFAULTS}. */
  public static TopicNames from(Properties props) {
    return new TopicNames(
        props.getProperty("topic.images", DEFAULTS.images),
        props.getProperty("topic.predictions", DEFAULTS.predictions),
        props.getProperty("topic.predictions.shadow", DEFAULTS.shadowPredictions),
        props.getProperty("topic.models", DEFAULTS.models),
        props.getProperty("topic.rollouts", DEFAULTS.rollouts),
        props.getProperty("topic.dead-letters", DEFAULTS.deadLetters));
  }

  /** The record key of a model version on the models topic: sortable, unique per version. */
  public static String modelKey(String modelName, long version) {
    return String.format("%s/%010d", modelName, version);
  }
}
