package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerConfigTest {

  private static Map<String, String> config(Map<String, String> overrides) {
    return BrokerConfig.properties("127.0.0.1", 9092, 9093, Path.of("/data/kafka-logs"), overrides);
  }

  @Test
  void shouldRunCombinedBrokerAndControllerOnLoopback() {
    Map<String, String> props = config(Map.of());

    assertThat(props)
        .containsEntry("process.roles", "broker,controller")
        .containsEntry("node.id", "1")
        .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9092")
        .containsEntry("log.dirs", "/data/kafka-logs");
  }

  @Test
  void shouldUseSettingsASingleNodeCanSatisfy() {
    Map<String, String> props = config(Map.of());

    assertThat(props)
        .containsEntry("default.replication.factor", "1")
        .containsEntry("min.insync.replicas", "1")
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("share.coordinator.state.topic.replication.factor", "1")
        .containsEntry("group.initial.rebalance.delay.ms", "0")
        .containsEntry("auto.create.topics.enable", "false")
        .containsEntry("num.partitions", "1")
        .containsEntry("message.max.bytes", Integer.toString(8 * 1024 * 1024));
  }

  @Test
  void shouldMakeEveryNodeOfAClusterAVoterWithItsOwnListeners() {
    Map<String, String> props =
        BrokerConfig.properties(
            2, List.of(9093, 9095, 9097), "127.0.0.1", 9094, Path.of("/data/n2"), Map.of());

    assertThat(props)
        .containsEntry("node.id", "2")
        .containsEntry(
            "controller.quorum.voters", "1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097")
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095")
        .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:9094");
  }

  @Test
  void shouldReplicateThreeTimesWithTwoInSyncOnThreeNodesOrMore() {
    for (int nodes : new int[] {3, 5}) {
      List<Integer> ports =
          java.util.stream.IntStream.range(0, nodes).mapToObj(i -> 9100 + i).toList();
      Map<String, String> props =
          BrokerConfig.properties(1, ports, "127.0.0.1", 9092, Path.of("/d"), Map.of());

      assertThat(props)
          .containsEntry("default.replication.factor", "3")
          .containsEntry("min.insync.replicas", "2")
          .containsEntry("offsets.topic.replication.factor", "3")
          .containsEntry("transaction.state.log.replication.factor", "3")
          .containsEntry("transaction.state.log.min.isr", "2")
          .containsEntry("share.coordinator.state.topic.replication.factor", "3")
          .containsEntry("share.coordinator.state.topic.min.isr", "2");
    }
    assertThat(
            BrokerConfig.properties(
                1, List.of(9100, 9101), "127.0.0.1", 9092, Path.of("/d"), Map.of()))
        .containsEntry("default.replication.factor", "2")
        .containsEntry("min.insync.replicas", "1")
        .containsEntry("transaction.state.log.min.isr", "1");
  }

  @Test
  void shouldRejectANodeIdOutsideTheVoterSet() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                BrokerConfig.properties(
                    4, List.of(9093, 9095, 9097), "127.0.0.1", 9094, Path.of("/d"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node id 4");
  }

  @Test
  void shouldLetOverridesWinOverDefaults() {
    Map<String, String> props = config(Map.of("num.partitions", "4", "log.retention.ms", "60000"));

    assertThat(props)
        .containsEntry("num.partitions", "4")
        .containsEntry("log.retention.ms", "60000");
  }

  @Test
  void shouldWriteAPropertiesFileThatReadsBackUnchanged(@TempDir Path dir) throws Exception {
    Map<String, String> props = config(Map.of("weird.value", "a=b:c \\ d"));
    Path file = dir.resolve("server.properties");

    BrokerConfig.write(props, file);

    assertThat(BrokerConfig.read(file)).isEqualTo(props);
    assertThat(Files.readAllLines(file).subList(1, props.size() + 1)).isSorted();
  }
}
