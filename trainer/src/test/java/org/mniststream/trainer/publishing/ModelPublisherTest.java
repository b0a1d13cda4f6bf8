package org.mniststream.trainer.publishing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ModelPublisherTest {

  @Test
  void shouldRefuseUserTransactionalIdBecauseItWouldBreakGapFreeVersions() {
    Properties client = new Properties();
    client.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
    client.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "my-own-id");

    assertThatThrownBy(() -> new ModelPublisher(ModelsTopic.of(client)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("transactional.id=my-own-id")
        .hasMessageContaining("gap-free")
        .hasMessageContaining(ModelPublisher.transactionalId(""));
  }

  @Test
  void shouldAcceptClientPropertiesWithoutTransactionalId() {
    Properties client = new Properties();
    client.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
    client.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");

    assertThatCode(() -> new ModelPublisher(ModelsTopic.of(client))).doesNotThrowAnyException();
  }
}
