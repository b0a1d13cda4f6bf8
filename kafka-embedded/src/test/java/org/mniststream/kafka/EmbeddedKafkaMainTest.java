package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaMainTest {

  @Test
  void shouldParsePortsDataDirAndProperties(@TempDir Path dir) {
    EmbeddedKafkaBroker.Builder builder =
        EmbeddedKafkaMain.parse(
            new String[] {
              "--port", "29092",
              "--controller-port", "29093",
              "--data-dir", dir.toString(),
              "--property", "log.retention.ms=5000"
            });

    try (EmbeddedKafkaBroker broker = builder.build()) {
      assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:29092");
      assertThat(broker.controllerPort()).isEqualTo(29093);
      assertThat(broker.dataDir()).isEqualTo(dir);
      assertThat(broker.brokerConfig()).containsEntry("log.retention.ms", "5000");
    }
  }

  @Test
  void shouldAnswerHelpWithNoBuilder() {
    assertThat(EmbeddedKafkaMain.parse(new String[] {"--help"})).isNull();
  }

  @Test
  void shouldRejectMalformedOptions() {
    assertThatThrownBy(() -> EmbeddedKafkaMain.parse(new String[] {"--bogus"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedKafkaMain.parse(new String[] {"--port"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedKafkaMain.parse(new String[] {"--property", "novalue"}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
