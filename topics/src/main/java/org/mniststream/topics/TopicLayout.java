package org.mniststream.topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.mniststream.schemas.TopicNames;

/**
 * Every topic of the product with the settings of the README's topic table: the one place the
 * {@code topics} command, the stream app's start-up check, the demo and the benchmarks take them
 * from.
 *
 * <p>Replication: the factor is the smaller of 3 and the number of brokers; with 3 or more
 * replicas, {@code min.insync.replicas} is 2, so an acknowledged write survives the loss of one
 * broker and writes go on while one broker is away.
 *
 * @param imagePartitions partitions of the image events (and of the predictions, which keep their
 *     keys); the unit of parallelism of the stream app
 * @param replicationFactor replicas of every topic
 */
public record TopicLayout(TopicNames names, int imagePartitions, short replicationFactor) {
  /** Image-event partitions when nobody says otherwise. */
  public static final int DEFAULT_IMAGE_PARTITIONS = 4;

  /** Room for a CNN version (~0.9 MB) with headroom for larger architectures; Kafka's is 1 MB. */
  public static final int MODELS_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  static final Duration PREDICTIONS_RETENTION = Duration.ofDays(7);
  static final Duration DEAD_LETTERS_RETENTION = Duration.ofDays(14);
  static final Duration INSTANCES_TOMBSTONE_RETENTION = Duration.ofDays(1);
  static final Duration LABELS_RETENTION = Duration.ofDays(7);
  static final Duration DECISIONS_RETENTION = Duration.ofDays(365);
  static final Duration REVIEW_RETENTION = Duration.ofDays(7);

  /** The replication factor for a cluster of {@code brokers} nodes: min(3, brokers). */
  public static short replicationFactorFor(int brokers) {
    return (short) Math.max(1, Math.min(3, brokers));
  }

  /** The topics, in the README table's order. */
  public List<TopicSpec> topics() {
    return List.of(
        spec(names.images(), imagePartitions, Map.of(), "ImageEvent in (upstream systems)"),
        spec(
            names.predictions(),
            imagePartitions,
            retention(PREDICTIONS_RETENTION),
            "Prediction out (dashboards)"),
        spec(
            names.shadowPredictions(),
            imagePartitions,
            retention(PREDICTIONS_RETENTION),
            "Prediction of a shadow version"),
        spec(
            names.deadLetters(),
            1,
            retention(DEAD_LETTERS_RETENTION),
            "DeadLetter: rejected events with a reason"),
        spec(
            names.models(),
            1,
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(MODELS_MAX_MESSAGE_BYTES)),
            "ModelVersion (trainer)"),
        spec(
            names.rollouts(),
            1,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
            "ModelRollout (operators)"),
        spec(
            names.instances(),
            1,
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                // a dead instance's last heartbeat goes when a live one compacts it away;
                // tombstones
                // of stopped ones need not outlive a day
                TopicConfig.DELETE_RETENTION_MS_CONFIG,
                Long.toString(INSTANCES_TOMBSTONE_RETENTION.toMillis())),
            "InstanceHeartbeat (each stream-app instance)"),
        // keyed by event id like the image events, so a labeller can partition the same way
        spec(
            names.labels(),
            imagePartitions,
            retention(LABELS_RETENTION),
            "LabelEvent: ground truth, inline or late (review tools, dashboard)"),
        spec(
            names.quality(),
            1,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
            "QualityReport per model version, route and window (quality app)"),
        // an audit trail: every decision kept (never compacted) for a year
        spec(
            names.decisions(),
            1,
            retention(DECISIONS_RETENTION),
            "JudgeDecision: each decision of the rollout judge, with its evidence"),
        // keyed like the predictions, so the same partitions; a request nobody answers in a week
        // is stale
        spec(
            names.review(),
            imagePartitions,
            retention(REVIEW_RETENTION),
            "ReviewRequest: low-confidence predictions for a person to label (dashboard)"),
        // keyed by key id: compaction keeps each signing key's latest state forever
        spec(
            names.trustedKeys(),
            1,
            Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT),
            "TrustedKey: signing keys trusted or revoked (operators)"));
  }

  /** The topic named {@code name}, if it is one of the product's. */
  public java.util.Optional<TopicSpec> topic(String name) {
    return topics().stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** {@code min.insync.replicas} for this layout's replication factor. */
  public int minInsyncReplicas() {
    return replicationFactor >= 3 ? 2 : 1;
  }

  private TopicSpec spec(String name, int partitions, Map<String, String> configs, String role) {
    Map<String, String> all = new HashMap<>(configs);
    all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas()));
    if (!all.containsKey(TopicConfig.CLEANUP_POLICY_CONFIG)) {
      all.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
    }
    return new TopicSpec(name, partitions, replicationFactor, all, role);
  }

  private static Map<String, String> retention(Duration retention) {
    return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
  }
}
