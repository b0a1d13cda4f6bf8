package org.mniststream.topics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mniststream.schemas.TopicNames;

class TopicLayoutTest {

  @Test
  void shouldReplicateThreeTimesWithTwoInSyncOnThreeBrokersOrMore() {
    assertThat(TopicLayout.replicationFactorFor(1)).isEqualTo((short) 1);
    assertThat(TopicLayout.replicationFactorFor(2)).isEqualTo((short) 2);
    assertThat(TopicLayout.replicationFactorFor(3)).isEqualTo((short) 3);
    assertThat(TopicLayout.replicationFactorFor(5)).isEqualTo((short) 3);

    TopicLayout three = new TopicLayout(TopicNames.DEFAULTS, 4, (short) 3);
    assertThat(three.topics())
        .allSatisfy(
            t -> {
              assertThat(t.replicationFactor()).isEqualTo((short) 3);
              assertThat(t.configs()).containsEntry("min.insync.replicas", "2");
            });
    assertThat(new TopicLayout(TopicNames.DEFAULTS, 4, (short) 1).topics())
        .allSatisfy(t -> assertThat(t.configs()).containsEntry("min.insync.replicas", "1"));
  }

  @Test
  void shouldFollowTheReadmeTopicTable() {
    TopicLayout layout = new TopicLayout(TopicNames.DEFAULTS, 4, (short) 1);

    assertThat(layout.topics())
        .extracting(TopicSpec::name, TopicSpec::partitions)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("mnist.image-events", 4),
            org.assertj.core.groups.Tuple.tuple("mnist.predictions", 4),
            org.assertj.core.groups.Tuple.tuple("mnist.predictions.shadow", 4),
            org.assertj.core.groups.Tuple.tuple("mnist.dead-letters", 1),
            org.assertj.core.groups.Tuple.tuple("mnist.models", 1),
            org.assertj.core.groups.Tuple.tuple("mnist.model-rollouts", 1),
            org.assertj.core.groups.Tuple.tuple("mnist.instances", 1),
            org.assertj.core.groups.Tuple.tuple("mnist.labels", 4),
            org.assertj.core.groups.Tuple.tuple("mnist.quality", 1),
            org.assertj.core.groups.Tuple.tuple("mnist.rollout-decisions", 1),
            org.assertj.core.groups.Tuple.tuple("mnist.review", 4),
            org.assertj.core.groups.Tuple.tuple("mnist.trusted-keys", 1));
    assertThat(layout.topic("mnist.models").orElseThrow().configs())
        .containsEntry("cleanup.policy", "compact")
        .containsEntry("max.message.bytes", "4194304");
    assertThat(layout.topic("mnist.model-rollouts").orElseThrow().configs())
        .containsEntry("cleanup.policy", "compact");
    assertThat(layout.topic("mnist.predictions").orElseThrow().configs())
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
    assertThat(layout.topic("mnist.dead-letters").orElseThrow().configs())
        .containsEntry("retention.ms", Long.toString(14L * 24 * 3600 * 1000));
    assertThat(layout.topic("mnist.instances").orElseThrow().configs())
        .containsEntry("cleanup.policy", "compact");
    assertThat(layout.topic("mnist.labels").orElseThrow().configs())
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
    assertThat(layout.topic("mnist.quality").orElseThrow().configs())
        .containsEntry("cleanup.policy", "compact");
    assertThat(layout.topic("mnist.rollout-decisions").orElseThrow().configs())
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", Long.toString(365L * 24 * 3600 * 1000));
    assertThat(layout.topic("mnist.review").orElseThrow().configs())
        .containsEntry("cleanup.policy", "delete")
        .containsEntry("retention.ms", Long.toString(7L * 24 * 3600 * 1000));
    assertThat(layout.topic("mnist.trusted-keys").orElseThrow().configs())
        .containsEntry("cleanup.policy", "compact");
    assertThat(layout.topic("mnist.image-events").orElseThrow().configs())
        .doesNotContainKey("retention.ms");
  }
}
