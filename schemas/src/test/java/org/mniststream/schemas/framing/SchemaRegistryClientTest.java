package org.mniststream.schemas.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The client where no registry answers; against the real one: SchemaRegistryFixtureIT. */
class SchemaRegistryClientTest {

  @Test
  void shouldRetryAnUnreachableRegistryThenSayWhatFailedInOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    URI base = URI.create("http://127.0.0.1:" + port + "/apis/ccompat/v7");
    SchemaRegistryClient client =
        new SchemaRegistryClient(
            base,
            Optional.empty(),
            new SchemaRegistryClient.Retry(
                3, Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(2)));

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(SchemaRegistryUnavailableException.class)
        .hasMessage(
            "schema registry "
                + base
                + "/ did not answer after 3 attempts to fetch schema id 1: connection refused");
  }

  @Test
  void shouldRefuseARetryRuleWithoutAttempts() {
    assertThatThrownBy(
            () -> new SchemaRegistryClient.Retry(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("attempts");
    assertThat(SchemaRegistryClient.Retry.DEFAULT.attempts()).isGreaterThan(1);
  }
}
