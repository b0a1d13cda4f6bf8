package org.mniststream.app.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.app.StreamApp;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.model.ModelSigning;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.testing.KafkaFixture;

/**
 * What the operations endpoint shows of an app configured with secrets: none of them. The documents
 * are built from the registry and the meters, never from the configuration; this pins it, on the
 * production app with a real broker, a served signed version and a refused unsigned one.
 */
class EndpointSecretsIT {
  private static final Duration AWAIT = Duration.ofSeconds(60);
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;
  private StreamApp app;

  @AfterEach
  void tearDown() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldRevealNoSecretOfItsConfigurationOnAnyEndpoint() throws Exception {
    // Given keys on disk, in a folder whose name is itself a marker
    KeyPair keys = ModelSigning.generateKeyPair();
    Path keyDir = Files.createDirectories(dir.resolve("k3ys-s3cret-folder"));
    Path publicKey = keyDir.resolve("trusted.pub");
    Path privateKey = keyDir.resolve("signing.key");
    ModelSigning.writePublicKey(keys.getPublic(), publicKey);
    ModelSigning.writePrivateKey(keys.getPrivate(), privateKey);
    // And an app configured with secrets (unused on this plaintext broker, but in its config)
    Map<String, String> secrets =
        Map.of(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"mnist-app\" password=\"s3cret-jaas-pw\";",
            "ssl.keystore.password",
            "s3cret-keystore-pw",
            "ssl.key.password",
            "s3cret-key-pw",
            "ssl.truststore.password",
            "s3cret-truststore-pw",
            "ssl.keystore.location",
            keyDir.resolve("app.keystore.p12").toString(),
            "trainer.signing-key",
            privateKey.toString());
    KafkaIt kafka = new KafkaIt(KafkaFixture.shared(), 1);
    kafka.send(kafka.topics.models(), TestModelRecords.key(1), TestModelRecords.mlp(1));
    ModelVersion signed = TestModelRecords.decode(TestModelRecords.mlp(2));
    ModelSigning.sign(signed, keys);
    kafka.send(kafka.topics.models(), TestModelRecords.key(2), TestModelRecords.encode(signed));
    Map<String, String> settings = new java.util.HashMap<>(secrets);
    settings.put("model.trusted-keys", publicKey.toString());
    settings.put("startup.model-timeout-ms", "60000");

    // When it serves
    app = kafka.startApp(settings);
    await()
        .atMost(AWAIT)
        .untilAsserted(() -> assertThat(get("/ready").statusCode()).isEqualTo(200));

    // Then the documents are real (the signed version serves, the unsigned one is refused) ...
    String model = get("/model").body();
    assertThat(model).contains("\"active\":{\"version\":2,", "UNSIGNED");
    // ... and hold none of the secrets, nor where the keys lie, nor the private key
    List<String> forbidden =
        List.of(
            "s3cret",
            "mnist-app",
            "ScramLoginModule",
            "k3ys",
            keyDir.toString(),
            Base64.getEncoder().encodeToString(keys.getPrivate().getEncoded()),
            Files.readString(privateKey).lines().skip(1).findFirst().orElseThrow());
    for (String path : List.of("/model", "/stats", "/metrics", "/health", "/ready")) {
      String body = get(path).body();
      assertThat(forbidden).as(path).allSatisfy(secret -> assertThat(body).doesNotContain(secret));
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
