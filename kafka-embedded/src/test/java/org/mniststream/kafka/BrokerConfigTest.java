package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
