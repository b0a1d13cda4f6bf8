package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mniststream.model.Architecture;
import org.mniststream.model.ModelVersions;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.PartitionOffsetRange;
import org.mniststream.schemas.Provenance;
import org.mniststream.schemas.TopicOffsetRange;

class ModelsProvenanceTest {
  private static TopicOffsetRange range(String topic, int partition, long from, long to) {
    return TopicOffsetRange.newBuilder()
        .setTopic(topic)
        .setPartitions(
            List.of(
                PartitionOffsetRange.newBuilder()
                    .setPartition(partition)
                    .setFromOffset(from)
                    .setToOffset(to)
                    .build()))
        .build();
  }

  @Test
  void shouldPrintNothingForAVersionWithoutProvenance() {
    ModelVersion v = ModelVersions.untrained("mnist", 1, Architecture.MLP_V1, 1L);

    assertThat(StreamAppCli.Models.provenanceLines(v)).isEmpty();
  }

  @Test
  void shouldPrintTheSourceRangesCountsAndAccuraciesInTwoLines() {
    ModelVersion v = ModelVersions.untrained("mnist", 2, Architecture.MLP_V1, 1L);
    v.setParentVersion(1L);
    v.setProvenance(
        Provenance.newBuilder()
            .setSourceTopics(List.of(range("mnist.image-events", 0, 120, 5000)))
            .setLabelsTopic(range("mnist.labels", 0, 0, 42))
            .setReplayRatio(1.0)
            .setStreamExamples(4000)
            .setReplayedExamples(4000)
            .setHoldoutExamples(444)
            .setSkipped(Map.of("UNLABELLED", 400L, "MISSING_KEY", 36L))
            .setOldTestAccuracyBefore(0.9912)
            .setOldTestAccuracyAfter(0.9905)
            .setHoldoutAccuracyBefore(0.91)
            .setHoldoutAccuracy(0.97)
            .build());

    assertThat(StreamAppCli.Models.provenanceLines(v))
        .containsExactly(
            "         from v1: mnist.image-events 0:120-5000 + labels mnist.labels 0:0-42; 4000"
                + " stream + 4000 replayed (ratio 1.0), 444 held out, skipped {MISSING_KEY=36,"
                + " UNLABELLED=400}",
            "         accuracy: original test 0.9912 -> 0.9905, stream holdout 0.9100 -> 0.9700");
  }
}
