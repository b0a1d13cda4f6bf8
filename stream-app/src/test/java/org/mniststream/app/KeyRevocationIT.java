package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.ChildApps;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.kafka.FreePorts;
import org.mniststream.kafka.StreamAppLauncher;
import org.mniststream.model.ModelSigning;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.topics.TopicReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A revoked signing key on a real broker with two app instances (child JVMs, as an operator runs
 * them): v1 signed by key A, v2 by key B; both serve v2; {@code keys revoke B} puts a record on the
 * trusted-keys topic, and each instance serves v1 within a second of the record's timestamp
 * (measured by the instance's own swap record on {@code /model}, and seen from outside on {@code
 * /model}); a rollout that pins v2 is refused by the CLI; predictions after it are v1's.
 */
class KeyRevocationIT {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRevocationIT.class);
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private static final Duration WITHIN = Duration.ofSeconds(1);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<ChildJvm> children = new ArrayList<>();

  @AfterEach
  void stopChildren() {
    children.forEach(ChildJvm::kill);
  }

  @Test
  void shouldStopServingARevokedKeysVersionOnEveryInstanceWithinASecond() throws Exception {
    // Given v1 signed by A and v2 signed by B, both keys trusted by two instances
    KafkaIt kafka = new KafkaIt(KafkaFixture.shared(), 2);
    Path keys = Files.createTempDirectory("key-revocation-it");
    KeyPair a = ModelSigning.generateKeyPair();
    KeyPair b = ModelSigning.generateKeyPair();
    ModelSigning.writePublicKey(a.getPublic(), keys.resolve("a.pub"));
    ModelSigning.writePublicKey(b.getPublic(), keys.resolve("b.pub"));
    String keyB = ModelSigning.keyId(b.getPublic());
    publish(kafka, 1, a);
    publish(kafka, 2, b);
    int[] ports = {FreePorts.loopback(), FreePorts.loopback()};
    for (int i = 0; i < ports.length; i++) {
      children.add(launch(kafka, "i" + i, ports[i], keys));
    }
    for (int i = 0; i < ports.length; i++) {
      ChildApps.awaitReady(children.get(i), ports[i], AWAIT);
    }
    for (int port : ports) {
      assertThat(model(port).at("/active/version").asLong()).isEqualTo(2);
    }

    // When the operator revokes B
    assertThat(cli(kafka, "keys", "revoke", keyB, "--reason", "leaked in the IT", "--by", "it"))
        .isEqualTo(StreamAppCli.OK);
    Instant[] seenAt = new Instant[ports.length];
    await()
        .atMost(AWAIT)
        .pollInterval(Duration.ofMillis(10))
        .untilAsserted(
            () -> {
              for (int i = 0; i < ports.length; i++) {
                if (seenAt[i] == null && model(ports[i]).at("/active/version").asLong() == 1) {
                  seenAt[i] = Instant.now();
                }
              }
              assertThat(seenAt).doesNotContainNull();
            });

    // Then each instance swapped to v1 within a second of the record
    Instant revokedAt = revocationTimestamp(kafka, keyB);
    for (int i = 0; i < ports.length; i++) {
      JsonNode swap = lastSwap(model(ports[i]));
      assertThat(swap.get("active").asLong()).isEqualTo(1);
      assertThat(swap.get("cause").asText()).contains("key " + keyB + " revoked by it");
      Instant recordAt = Instant.parse(swap.get("recordAt").asText());
      Duration inInstance = Duration.between(recordAt, Instant.parse(swap.get("at").asText()));
      Duration seen = Duration.between(revokedAt, seenAt[i]);
      LOG.info(
          "Instance {}: served v1 {} ms after the revocation record (its swap record); /model"
              + " showed it {} ms after (polled every 10 ms)",
          i,
          inInstance.toMillis(),
          seen.toMillis());
      assertThat(recordAt).isEqualTo(revokedAt);
      assertThat(inInstance).isBetween(Duration.ZERO, WITHIN);
      assertThat(seen).isLessThanOrEqualTo(WITHIN);
    }
    kafka.assertNextEventClassifiedBy("after-revocation-1", 1, AWAIT);
    kafka.assertNextEventClassifiedBy("after-revocation-2", 1, AWAIT);

    // and a rollout that pins the revoked version is refused, by the CLI as by the instances
    StringWriter err = new StringWriter();
    assertThat(cli(kafka, err, "rollout", "--pin", "2")).isEqualTo(StreamAppCli.REFUSED);
    assertThat(err.toString())
        .contains("version 2 is signed by revoked key " + keyB + " (leaked in the IT)");
    StringWriter out = new StringWriter();
    assertThat(cli(kafka, out, "keys", "list")).isEqualTo(StreamAppCli.OK);
    assertThat(out.toString())
        .containsPattern(keyB + " +REVOKED .* it +\\[2\\] +leaked in the IT")
        .containsPattern(ModelSigning.keyId(a.getPublic()) + " +- .*\\[1\\]");

    // and trusting B again (a false alarm) brings v2 back on both
    assertThat(cli(kafka, "keys", "trust", "--public-key", keys.resolve("b.pub").toString()))
        .isEqualTo(StreamAppCli.OK);
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> {
              for (int port : ports) {
                assertThat(model(port).at("/active/version").asLong()).isEqualTo(2);
              }
            });
  }

  private static void publish(KafkaIt kafka, long version, KeyPair key) throws Exception {
    ModelVersion v = TestModelRecords.decode(TestModelRecords.mlp(version));
    ModelSigning.sign(v, key);
    kafka.send(kafka.topics.models(), TestModelRecords.key(version), TestModelRecords.encode(v));
  }

  private ChildJvm launch(KafkaIt kafka, String name, int port, Path keys) throws Exception {
    Map<String, String> config =
        new LinkedHashMap<>(kafka.appConfig(Files.createTempDirectory("key-it-" + name)));
    config.put("http.port", Integer.toString(port));
    config.put("model.trusted-keys", keys.resolve("a.pub") + "," + keys.resolve("b.pub"));
    config.put("instance.id", "key-it-" + kafka.runId + "-" + name);
    return StreamAppLauncher.launch(
        "key-it-" + name,
        config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
        List.of("-Xmx512m"),
        Path.of("target", "key-it-" + kafka.runId + "-" + name + ".log"));
  }

  private static JsonNode model(int port) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/model"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JsonCodec.readTree(response.body());
  }

  private static JsonNode lastSwap(JsonNode model) {
    JsonNode history = model.get("history");
    return history.get(history.size() - 1);
  }

  /** The timestamp the revocation record got (the producer's CreateTime). */
  private static Instant revocationTimestamp(KafkaIt kafka, String keyId) throws Exception {
    Properties base = new Properties();
    base.put("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(base, "key-it"))) {
      List<ConsumerRecord<byte[], byte[]>> records =
          TopicReader.readAll(consumer, List.of(kafka.topics.trustedKeys()), AWAIT);
      assertThat(records).hasSize(1);
      assertThat(new String(records.get(0).key(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(keyId);
      return Instant.ofEpochMilli(records.get(0).timestamp());
    }
  }

  private static int cli(KafkaIt kafka, String... args) {
    return cli(kafka, new StringWriter(), args);
  }

  /** Runs the stream app's CLI with this run's config; {@code capture} gets its out and err. */
  private static int cli(KafkaIt kafka, StringWriter capture, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    kafka
        .appConfig(Path.of("unused"))
        .forEach(
            (k, v) -> {
              all.add("-D");
              all.add(k + "=" + v);
            });
    PrintWriter both = new PrintWriter(capture, true);
    return StreamAppCli.execute(Map.of(), both, both, all.toArray(String[]::new));
  }
}
