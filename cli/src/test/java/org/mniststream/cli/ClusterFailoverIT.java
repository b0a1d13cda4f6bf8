package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.mniststream.kafka.EmbeddedKafkaCluster;
import org.mniststream.kafka.FreePorts;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.training.SubsetModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker failures on a real three-node cluster (every topic three replicas, two in sync), under
 * exactly-once and a steady 500 events/s: a kill -9 of the node leading the image events, then of
 * the active controller. Every event must have exactly one committed prediction.
 */
class ClusterFailoverIT {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFailoverIT.class);
  private static final IdxDataset TEST = SubsetModels.subsetData().test();
  private static final double RATE = 500;

  /**
   * A generous bound on the longest wait between two predictions: a node's death is noticed within
   * the broker session timeout (3 s), so a longer stall means something waited on the dead node
   * until a client-side timeout; the figure itself is logged, and measured in docs/RELIABILITY.md.
   */
  private static final Duration MAX_GAP = Duration.ofSeconds(45);

  @Test
  void shouldLoseAndDuplicateNothingWhenTheLeaderThenTheControllerIsKilled() throws Exception {
    try (KafkaFixture kafka = KafkaFixture.startCluster(3)) {
      assumeTrue(kafka.embeddedCluster().isPresent(), "node kills need the embedded cluster");
      EmbeddedKafkaCluster cluster = kafka.embeddedCluster().orElseThrow();
      try (StackHarness stack = new StackHarness(kafka)) {
        String run = "failover";
        assertThat(stack.publish(SubsetModels.subsetMlpDir())).isZero();
        stack.startApp("app", FreePorts.loopback(), List.of());
        try (PredictionTracker tracker =
                new PredictionTracker(
                        stack.clientProps(),
                        stack.topics.predictions(),
                        stack.topics.deadLetters(),
                        run)
                    .start();
            ImageEventSource source =
                new ImageEventSource(stack.clientProps(), stack.topics.images(), run)) {
          // Given the app classifying a steady stream
          source.send(TEST, run + "-a", 700, RATE, () -> false, n -> {});

          // When the leader of the image events dies, and the stream goes on without it
          int leader = cluster.partitionLeader(stack.topics.images(), 0);
          cluster.kill(leader);
          source.send(TEST, run + "-b", 700, RATE, () -> false, n -> {});
          cluster.restart(leader);

          // And then the active controller dies
          int controller = cluster.activeController();
          cluster.kill(controller);
          source.send(TEST, run + "-c", 600, RATE, () -> false, n -> {});
          source.flush();

          // Then every input record has exactly one committed prediction
          Map<String, Integer> input =
              TopicKeyCounts.read(
                  stack.clientProps(), stack.topics.images(), run, Duration.ofMinutes(1));
          assertThat(source.failed()).isZero();
          assertThat(input).hasSize(2_000);
          await()
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofMillis(500))
              .untilAsserted(() -> assertThat(tracker.account(input).missing()).isZero());
          Thread.sleep(2_000); // a late duplicate would still land
          PredictionTracker.Accounting a = tracker.account(input);
          long gap = tracker.snapshot().maxGapMillis();
          long pause = tracker.longestEventTimeGap(); // the restart between two chunks
          LOG.info(
              "killed the leader (node.id {}) then the controller (node.id {}): {} input records, missing {},"
                  + " excess {}, unknown {}; longest gap between predictions {} ms (the"
                  + " generator's longest pause: {} ms)",
              leader + 1,
              controller + 1,
              a.inputRecords(),
              a.missing(),
              a.excess(),
              a.unknown(),
              gap,
              pause);
          assertThat(List.of(a.inputRecords(), a.missing(), a.excess(), a.unknown()))
              .containsExactly(2_000L, 0L, 0L, 0L);
          assertThat(Duration.ofMillis(gap)).isLessThan(MAX_GAP);
          // And the app's own internal topics took the cluster's replication too
          assertThat(internalTopicReplicas(stack)).isNotEmpty().containsOnly(3);
        }
      }
    }
  }

  /** The replica count of every partition of the app's internal topics (changelogs). */
  private static List<Integer> internalTopicReplicas(StackHarness stack) throws Exception {
    try (Admin admin = Admin.create(stack.clientProps())) {
      List<String> internal =
          admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(name -> name.startsWith(stack.appId + "-"))
              .toList();
      return admin
          .describeTopics(internal)
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .values()
          .stream()
          .flatMap(d -> d.partitions().stream())
          .map(p -> p.replicas().size())
          .toList();
    }
  }
}
