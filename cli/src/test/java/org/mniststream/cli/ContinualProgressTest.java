package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.PartitionOffsetRange;
import org.mniststream.schemas.Provenance;
import org.mniststream.schemas.TopicOffsetRange;

class ContinualProgressTest {
  private static final String TOPIC = "mnist.image-events";

  @Test
  void shouldStartAfterTheNewestVersionThisTrainerPublishedForTheTopic() {
    TreeMap<Long, ModelVersion> versions = new TreeMap<>();
    versions.put(1L, version(1, null, null));
    versions.put(2L, version(2, TOPIC, range(TOPIC, 0, 0, 100, 1, 0, 90)));
    versions.put(3L, version(3, TOPIC, range(TOPIC, 0, 100, 250, 1, 90, 180)));
    // newer, but not the continual trainer's (a manual fine-tune over a range): ignored
    versions.put(4L, version(4, null, range(TOPIC, 0, 0, 10, 1, 0, 10)));
    // newer, the continual trainer's, but of another topic: ignored
    versions.put(5L, version(5, "other", range("other", 0, 0, 7)));

    ContinualProgress.Position position = ContinualProgress.of(versions, TOPIC).orElseThrow();

    assertThat(position.version()).isEqualTo(3);
    assertThat(position.next()).containsExactly(Map.entry(0, 250L), Map.entry(1, 180L));
  }

  @Test
  void shouldHaveNoPositionBeforeTheFirstVersion() {
    TreeMap<Long, ModelVersion> versions = new TreeMap<>();
    versions.put(1L, version(1, null, null));

    assertThat(ContinualProgress.of(versions, TOPIC)).isEmpty();
  }

  @Test
  void shouldSkipOnlyWhatRetentionDeletedAndCountIt() {
    Map<Integer, Long> next = Map.of(0, 250L, 1, 180L, 7, 3L);
    Map<Integer, Long> beginnings = Map.of(0, 300L, 1, 0L, 2, 0L);

    assertThat(new TreeMap<>(ContinualProgress.clamp(next, beginnings)))
        .containsExactly(Map.entry(0, 300L), Map.entry(1, 180L));
    assertThat(ContinualProgress.lost(next, beginnings)).isEqualTo(50);
  }

  private static ModelVersion version(long v, String marker, Provenance provenance) {
    ModelVersion m = new ModelVersion();
    m.setVersion(v);
    m.setTrainingConfig(
        marker == null ? Map.of("epochs", "1") : Map.of(ContinualProgress.MARKER, marker));
    m.setProvenance(provenance);
    return m;
  }

  /** {@code partition, from, to} triples. */
  private static Provenance range(String topic, long... triples) {
    List<PartitionOffsetRange> partitions = new java.util.ArrayList<>();
    for (int i = 0; i < triples.length; i += 3) {
      partitions.add(
          PartitionOffsetRange.newBuilder()
              .setPartition((int) triples[i])
              .setFromOffset(triples[i + 1])
              .setToOffset(triples[i + 2])
              .build());
    }
    Provenance p = new Provenance();
    p.setSourceTopics(
        List.of(TopicOffsetRange.newBuilder().setTopic(topic).setPartitions(partitions).build()));
    return p;
  }
}
