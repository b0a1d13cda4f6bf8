package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaClusterTest {

  @Test
  void shouldGiveEachNodeItsOwnPortsAndDataDirInOneVoterSet() {
    try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().nodes(3).build()) {
      Set<Integer> ports =
          cluster.nodes().stream()
              .flatMap(n -> java.util.stream.Stream.of(n.port(), n.controllerPort()))
              .collect(Collectors.toSet());
      assertThat(ports).hasSize(6);
      assertThat(cluster.nodes()).extracting(EmbeddedKafkaBroker::nodeId).containsExactly(1, 2, 3);
      assertThat(cluster.nodes().stream().map(EmbeddedKafkaBroker::dataDir).distinct()).hasSize(3);
      assertThat(
              cluster.nodes().stream().map(n -> n.brokerConfig().get("controller.quorum.voters")))
          .containsOnly(
              BrokerConfig.quorumVoters(
                  EmbeddedKafkaBroker.HOST,
                  cluster.nodes().stream().map(EmbeddedKafkaBroker::controllerPort).toList()));
      assertThat(cluster.bootstrapServers().split(",")).hasSize(3);
    }
  }

  @Test
  void shouldJoinTheClusterIdOfANodeFormattedBefore(@TempDir Path dir) throws Exception {
    // Given node 2's data dir formatted by an earlier run
    Path meta = dir.resolve("node-2").resolve(EmbeddedKafkaBroker.KAFKA_LOG_DIR_NAME);
    Files.createDirectories(meta);
    Files.writeString(meta.resolve("meta.properties"), "cluster.id=earlier-id\nnode.id=2\n");

    // Then every node is formatted with that id, not a new one
    try (EmbeddedKafkaCluster cluster =
        EmbeddedKafkaCluster.builder().nodes(3).dataDir(dir).build()) {
      assertThat(cluster.dataDir()).isEqualTo(dir.toAbsolutePath());
      assertThat(cluster.node(0).clusterIdForFormat()).isEqualTo("earlier-id");
      assertThat(cluster.node(2).clusterIdForFormat()).isEqualTo("earlier-id");
    }
  }

  @Test
  void shouldDeleteATemporaryDataDirOnClose() {
    EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.builder().nodes(2).build();
    Path dir = cluster.dataDir();
    assertThat(dir).isDirectory();

    cluster.close();

    assertThat(dir).doesNotExist();
  }

  @Test
  void shouldRejectAnEmptyClusterAndOverlappingPorts() {
    assertThatThrownBy(() -> EmbeddedKafkaCluster.builder().nodes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                EmbeddedKafkaCluster.builder()
                    .nodes(3)
                    .basePort(20000)
                    .baseControllerPort(20002)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap");
  }
}
