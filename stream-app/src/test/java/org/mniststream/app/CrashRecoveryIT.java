package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.ChildApps;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.kafka.FreePorts;
import org.mniststream.kafka.StreamAppLauncher;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.Prediction;
import org.mniststream.testing.KafkaFixture;

/**
 * The crash case of batching, with a real broker and a real kill -9: a child JVM runs {@code
 * StreamAppCli run} with a batch that never fills and a max wait that never passes, consumes and
 * commits events into its pending store, and is killed (also while a second wave of events is still
 * in an open transaction). A second app, on an empty state directory, must classify every event
 * exactly once.
 */
class CrashRecoveryIT {
  private static final Duration AWAIT = Duration.ofSeconds(120);
  private final List<ChildJvm> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    children.forEach(ChildJvm::kill);
  }

  @Test
  void shouldClassifyEveryBufferedEventExactlyOnceAfterTheAppIsKilled() throws Exception {
    // Given an app whose batch never fills and whose max wait never passes
    KafkaIt kafka = new KafkaIt(KafkaFixture.shared(), 2);
    kafka.send(kafka.topics.models(), TestModelRecords.key(1), TestModelRecords.mlp(1));
    int firstPort = FreePorts.loopback();
    ChildJvm first =
        startChild(
            kafka,
            "first",
            firstPort,
            Map.of("inference.batch.size", "100000", "inference.batch.max-wait-ms", "600000"));
    ChildApps.awaitReady(first, firstPort, AWAIT);

    // When it has consumed and committed 150 events, all still pending in its buffer
    List<String> ids = new ArrayList<>();
    sendEvents(kafka, 0, 150, ids);
    await().atMost(AWAIT).untilAsserted(() -> assertThat(kafka.uncommittedImages()).isZero());
    assertThat(predictionIds(kafka)).as("buffered, not yet classified").isEmpty();
    // and 50 more arrive, and it is killed without any chance to flush or commit
    sendEvents(kafka, 150, 200, ids);
    first.kill();

    // Then a restarted app, on a fresh state dir, classifies each of the 200 exactly once
    int secondPort = FreePorts.loopback();
    ChildJvm second =
        startChild(
            kafka,
            "second",
            secondPort,
            Map.of("inference.batch.size", "64", "inference.batch.max-wait-ms", "20"));
    await()
        .atMost(AWAIT)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(predictionIds(kafka)).containsExactlyInAnyOrderElementsOf(ids));

    // And a graceful stop (SIGTERM) adds nothing
    second.stop(Duration.ofSeconds(60));
    assertThat(second.exitValue())
        .as("graceful shutdown, not SIGKILL after 60 s")
        .isNotEqualTo(137);
    assertThat(predictionIds(kafka)).hasSize(ids.size()).doesNotHaveDuplicates();
  }

  private static void sendEvents(KafkaIt kafka, int from, int to, List<String> ids)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (int i = from; i < to; i++) {
        String id = "crash-" + i;
        ids.add(id);
        producer.send(
            new ProducerRecord<>(
                kafka.topics.images(),
                TestEvents.key("key-" + i),
                TestEvents.encode(TestEvents.raw28(id, i % 10))));
      }
      producer.flush();
    }
  }

  private static List<String> predictionIds(KafkaIt kafka) throws Exception {
    return kafka.readCommitted(kafka.topics.predictions(), ContractSerdes.prediction()).stream()
        .map(Prediction::getEventId)
        .toList();
  }

  private ChildJvm startChild(KafkaIt kafka, String name, int port, Map<String, String> extra)
      throws IOException {
    Map<String, String> config =
        new LinkedHashMap<>(kafka.appConfig(Files.createTempDirectory("crash-it-" + name)));
    config.put("http.port", Integer.toString(port));
    // A killed member must leave the group fast, so the restarted app gets its tasks quickly.
    config.put("consumer.session.timeout.ms", "6000");
    config.put("consumer.heartbeat.interval.ms", "1000");
    config.putAll(extra);
    ChildJvm child =
        StreamAppLauncher.launch(
            "crash-it-" + name,
            config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
            List.of("-Xmx1g"),
            Path.of("target", "crash-it-" + kafka.runId + "-" + name + ".log"));
    children.add(child);
    return child;
  }
}
