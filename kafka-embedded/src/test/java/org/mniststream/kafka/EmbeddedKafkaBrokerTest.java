package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

  @Test
  void shouldPickItsPortsBeforeStartSoClientsCanBeConfiguredEarly() {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
      assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
      assertThat(broker.port()).isNotEqualTo(broker.controllerPort());
      assertThat(broker.isRunning()).isFalse();
      assertThat(broker.pid()).isEmpty();
    }
  }

  @Test
  void shouldUseTheRequestedPortsAndPassPropertiesThrough() {
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder()
            .port(19092)
            .controllerPort(19093)
            .brokerProperty("log.retention.ms", "1000")
            .build()) {
      assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:19092");
      assertThat(broker.brokerConfig())
          .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
          .containsEntry("log.retention.ms", "1000");
    }
  }

  @Test
  void shouldDeleteItsTemporaryDataDirOnClose() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
    Path dataDir = broker.dataDir();
    assertThat(dataDir).isDirectory();

    broker.close();

    assertThat(dataDir).doesNotExist();
  }

  @Test
  void shouldKeepAChosenDataDirOnClose(@TempDir Path dir) {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir).build();

    broker.close();

    assertThat(dir).isDirectory();
    assertThat(broker.logFile()).isEqualTo(dir.resolve("broker.log"));
  }

  @Test
  void shouldRefuseToStartOnceClosed() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
    broker.close();

    assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldRejectTheSamePortForClientsAndController() {
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().port(9092).controllerPort(9092).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
