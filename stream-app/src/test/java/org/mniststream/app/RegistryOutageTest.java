package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.testing.TopologyHarness;
import org.mniststream.schemas.framing.ConfluentFraming;
import org.mniststream.schemas.framing.SchemaRegistryClient;
import org.mniststream.schemas.framing.SchemaRegistryUnavailableException;

/**
 * A Confluent-framed event whose writer schema must be fetched while the registry does not answer:
 * the task fails (so the event is read again under EOS) and nothing is dead-lettered or predicted.
 */
class RegistryOutageTest {

  @Test
  void shouldFailTheTaskWithoutDeadLetteringWhenTheRegistryDoesNotAnswer() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    SchemaRegistryClient.Retry quick =
        new SchemaRegistryClient.Retry(
            2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1));
    try (TopologyHarness harness =
        TopologyHarness.start(
            Map.of(
                "schema.registry.url",
                "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7",
                "inference.batch.size",
                "1"),
            quick)) {
      harness.publishModel(1, TestModelRecords.mlp(1));
      byte[] singleObject = TestEvents.encode(TestEvents.raw28("so", 1));
      // the datum after single-object's 10-byte header, behind a Confluent header with id 7
      byte[] datum = Arrays.copyOfRange(singleObject, 10, singleObject.length);
      byte[] confluent = ConfluentFraming.frame(7, datum);

      Throwable thrown = catchThrowable(() -> harness.sendRaw(TestEvents.key("cf"), confluent));

      assertThat(thrown).isNotNull();
      assertThat(StreamApp.causedByRegistryOutage(thrown)).as("%s", thrown).isTrue();
      assertThat(harness.deadLetters.isEmpty()).isTrue();
      assertThat(harness.predictions.isEmpty()).isTrue();
    }
  }

  @Test
  void shouldTellARegistryOutageFromOtherFailures() {
    assertThat(
            StreamApp.causedByRegistryOutage(
                new RuntimeException(
                    "task failed", new SchemaRegistryUnavailableException("down", null))))
        .isTrue();
    assertThat(StreamApp.causedByRegistryOutage(new IllegalStateException("other"))).isFalse();
  }
}
