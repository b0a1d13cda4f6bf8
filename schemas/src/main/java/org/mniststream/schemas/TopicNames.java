package org.mniststream.schemas;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The names of every topic of the product, read from configuration ({@code topics.images}, ...)
 * with the defaults below. One place, so the trainer, the stream app and the tools agree. The
 * prefix is {@code topics.}, not {@code topic.}: Kafka Streams reads every {@code topic.*} key as a
 * setting for the internal topics it creates.
 */
public record TopicNames(
    String images,
    String predictions,
    String shadowPredictions,
    String models,
    String rollouts,
    String deadLetters,
    String instances,
    String labels,
    String quality,
    String decisions,
    String review,
    String trustedKeys) {

  public static final TopicNames DEFAULTS =
      new TopicNames(
          "mnist.image-events",
          "mnist.predictions",
          "mnist.predictions.shadow",
          "mnist.models",
          "mnist.model-rollouts",
          "mnist.dead-letters",
          "mnist.instances",
          "mnist.labels",
          "mnist.quality",
          "mnist.rollout-decisions",
          "mnist.review",
          "mnist.trusted-keys");

  public static final String IMAGES = "topics.images";
  public static final String PREDICTIONS = "topics.predictions";
  public static final String SHADOW_PREDICTIONS = "topics.predictions.shadow";
  public static final String MODELS = "topics.models";
  public static final String ROLLOUTS = "topics.rollouts";
  public static final String DEAD_LETTERS = "topics.dead-letters";
  public static final String INSTANCES = "topics.instances";
  public static final String LABELS = "topics.labels";
  public static final String QUALITY = "topics.quality";
  public static final String DECISIONS = "topics.decisions";
  public static final String REVIEW = "topics.review";
  public static final String TRUSTED_KEYS = "topics.trusted-keys";

  /** Every configuration key that names a topic. */
  public static final List<String> KEYS =
      List.of(
          IMAGES,
          PREDICTIONS,
          SHADOW_PREDICTIONS,
          MODELS,
          ROLLOUTS,
          DEAD_LETTERS,
          INSTANCES,
          LABELS,
          QUALITY,
          DECISIONS,
          REVIEW,
          TRUSTED_KEYS);

  /** Reads the {@link #KEYS} properties, falling back to {@link #DEFAULTS}. */
  public static TopicNames from(Properties props) {
    return new TopicNames(
        props.getProperty(IMAGES, DEFAULTS.images),
        props.getProperty(PREDICTIONS, DEFAULTS.predictions),
        props.getProperty(SHADOW_PREDICTIONS, DEFAULTS.shadowPredictions),
        props.getProperty(MODELS, DEFAULTS.models),
        props.getProperty(ROLLOUTS, DEFAULTS.rollouts),
        props.getProperty(DEAD_LETTERS, DEFAULTS.deadLetters),
        props.getProperty(INSTANCES, DEFAULTS.instances),
        props.getProperty(LABELS, DEFAULTS.labels),
        props.getProperty(QUALITY, DEFAULTS.quality),
        props.getProperty(DECISIONS, DEFAULTS.decisions),
        props.getProperty(REVIEW, DEFAULTS.review),
        props.getProperty(TRUSTED_KEYS, DEFAULTS.trustedKeys));
  }

  /**
   * The default names, each with {@code prefix} in front: one set of topics per test run or per
   * environment sharing a cluster.
   */
  public static TopicNames withPrefix(String prefix) {
    return new TopicNames(
        prefix + DEFAULTS.images,
        prefix + DEFAULTS.predictions,
        prefix + DEFAULTS.shadowPredictions,
        prefix + DEFAULTS.models,
        prefix + DEFAULTS.rollouts,
        prefix + DEFAULTS.deadLetters,
        prefix + DEFAULTS.instances,
        prefix + DEFAULTS.labels,
        prefix + DEFAULTS.quality,
        prefix + DEFAULTS.decisions,
        prefix + DEFAULTS.review,
        prefix + DEFAULTS.trustedKeys);
  }

  /** These names as configuration properties, the inverse of {@link #from}. */
  public Map<String, String> toProperties() {
    // Map.ofEntries: Map.of takes at most ten pairs
    return Map.ofEntries(
        Map.entry(IMAGES, images),
        Map.entry(PREDICTIONS, predictions),
        Map.entry(SHADOW_PREDICTIONS, shadowPredictions),
        Map.entry(MODELS, models),
        Map.entry(ROLLOUTS, rollouts),
        Map.entry(DEAD_LETTERS, deadLetters),
        Map.entry(INSTANCES, instances),
        Map.entry(LABELS, labels),
        Map.entry(QUALITY, quality),
        Map.entry(DECISIONS, decisions),
        Map.entry(REVIEW, review),
        Map.entry(TRUSTED_KEYS, trustedKeys));
  }

  /** The record key of a model version on the models topic: sortable, unique per version. */
  public static String modelKey(String modelName, long version) {
    // not String.format: the quality app builds a key for every report update
    if (version < 0) {
      return String.format("%s/%010d", modelName, version);
    }
    String digits = Long.toString(version);
    StringBuilder key = new StringBuilder(modelName.length() + 11 + digits.length());
    key.append(modelName).append('/');
    for (int i = digits.length(); i < 10; i++) {
      key.append('0');
    }
    return key.append(digits).toString();
  }
}
