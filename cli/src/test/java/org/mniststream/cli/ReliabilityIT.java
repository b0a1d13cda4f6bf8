package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.mniststream.kafka.FreePorts;
import org.mniststream.model.InputContracts;
import org.mniststream.model.ModelSigning;
import org.mniststream.model.Sha256;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.TopicNames;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.topics.TopicLayout;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.publishing.SavedModel;
import org.mniststream.trainer.training.SubsetModels;

/**
 * What production throws at the classifier, against a real broker: a large mix of good and
 * malformed events, a broker restart mid-stream, untrusted and broken models, and signing.
 */
class ReliabilityIT {
  private static final IdxDataset TEST = SubsetModels.subsetData().test();

  @Test
  void shouldStayUpAndAccountForEveryEventInALargeMixOfGoodAndBadInput() throws Exception {
    try (KafkaFixture kafka = KafkaFixture.start();
        StackHarness stack = new StackHarness(kafka);
        TopicContents<Prediction> predictions = stack.predictions();
        TopicContents<DeadLetter> deadLetters = stack.deadLetters();
        ImageEventSource source = stack.source("mix")) {
      assertThat(stack.publish(SubsetModels.subsetMlpDir())).isZero();
      stack.startApp("app", FreePorts.loopback(), List.of());

      // Given 10,000 events, one in ten malformed, every kind in rotation
      int total = 10_000;
      MalformedEvents malformed = new MalformedEvents(11);
      Map<DeadLetterReason, Long> expected = new EnumMap<>(DeadLetterReason.class);
      int good = 0;
      int bad = 0;
      for (int i = 0; i < total; i++) {
        if (i % 10 == 3) {
          MalformedEvents.Bad b = malformed.next("mix", bad++);
          source.sendRaw(b.key(), b.value());
          expected.merge(b.expected(), 1L, Long::sum);
        } else {
          source.sendOne(TEST, good % TEST.count(), "mix-good-" + good++);
        }
      }
      source.flush();

      // Then in = predictions + dead letters, exactly, with the right reason for each bad one
      StackHarness.awaitCount(predictions::size, good, Duration.ofMinutes(3));
      StackHarness.awaitCount(deadLetters::size, bad, Duration.ofMinutes(1));
      assertThat(predictions.values().stream().map(Prediction::getEventId).distinct().count())
          .isEqualTo(good);
      Map<DeadLetterReason, Long> reasons =
          deadLetters.values().stream()
              .collect(
                  Collectors.groupingBy(
                      DeadLetter::getReason,
                      () -> new EnumMap<>(DeadLetterReason.class),
                      Collectors.counting()));
      assertThat(reasons).isEqualTo(expected);
    }
  }

  @Test
  void shouldRecoverByItselfWhenTheBrokerRestartsMidStream() throws Exception {
    assumeTrue(KafkaFixture.startsRestartable(), "broker restart needs the embedded broker");
    try (KafkaFixture kafka = KafkaFixture.start();
        StackHarness stack = new StackHarness(kafka);
        TopicContents<Prediction> predictions = stack.predictions();
        ImageEventSource source = stack.source("restart")) {
      assertThat(stack.publish(SubsetModels.subsetMlpDir())).isZero();
      stack.startApp("app", FreePorts.loopback(), List.of());

      source.send(TEST, "before", 500, 250, () -> false, n -> {});
      kafka.restart(); // same port, same data: clients must reconnect by themselves
      source.send(TEST, "after", 500, 250, () -> false, n -> {});

      StackHarness.awaitCount(predictions::size, 1_000, Duration.ofMinutes(3));
      Thread.sleep(1_000);
      assertThat(predictions.values().stream().map(Prediction::getEventId).toList())
          .doesNotHaveDuplicates()
          .hasSize(1_000);
    }
  }

  @Test
  void shouldRefuseBrokenAndUntrustedModelsAndKeepServingThePreviousOne() throws Exception {
    try (KafkaFixture kafka = KafkaFixture.start();
        StackHarness stack = new StackHarness(kafka);
        TopicContents<Prediction> predictions = stack.predictions();
        ImageEventSource source = stack.source("refusal")) {
      // Given an app that trusts one signing key, and version 1 signed with it
      Path keys = stack.work.resolve("keys");
      assertThat(TrainerCli.execute("keygen", "--out-dir", keys.toString())).isZero();
      Path privateKey = keys.resolve("mnist-signing.key");
      Path publicKey = keys.resolve("mnist-signing.pub");
      assertThat(
              TrainerCli.execute(
                  "publish",
                  "--model-dir",
                  SubsetModels.subsetMlpDir().toString(),
                  "--bootstrap-servers",
                  kafka.bootstrapServers(),
                  "--topic",
                  stack.topics.models(),
                  "--signing-key",
                  privateKey.toString(),
                  "--signing-public-key",
                  publicKey.toString()))
          .isZero();
      int port = FreePorts.loopback();
      stack.startApp("app", port, List.of("model.trusted-keys=" + publicKey));

      // When broken or untrusted versions 2..7 arrive on the models topic
      ModelVersion good = SavedModel.load(SubsetModels.subsetMlpDir());
      byte[] params = bytes(good);
      byte[] corrupt = new byte[params.length];
      java.security.KeyPair trusted = ModelSigning.readKeyPair(privateKey, publicKey);
      java.security.KeyPair stranger = ModelSigning.generateKeyPair();
      Map<Long, ModelVersion> broken = new java.util.TreeMap<>();
      broken.put(2L, ModelVersion.newBuilder(good).setVersion(2).setSignature(null).build());
      broken.put(
          3L,
          signed(
              ModelVersion.newBuilder(good)
                  .setVersion(3)
                  .setParameters(ByteBuffer.wrap(corrupt))
                  .setParametersSha256(Sha256.hex(corrupt))
                  .build(),
              trusted));
      broken.put(
          4L,
          signed(
              ModelVersion.newBuilder(good)
                  .setVersion(4)
                  .setParametersSha256("0".repeat(64))
                  .build(),
              trusted));
      broken.put(
          5L,
          signed(
              ModelVersion.newBuilder(good).setVersion(5).setArchitecture("resnet-50").build(),
              trusted));
      broken.put(
          6L,
          signed(
              ModelVersion.newBuilder(good)
                  .setVersion(6)
                  .setInputContract(InputContracts.standardized(0f, -1f))
                  .build(),
              trusted));
      // a contract that passes every range check but turns every input into infinities: NaN out
      broken.put(
          7L,
          signed(
              ModelVersion.newBuilder(good)
                  .setVersion(7)
                  .setInputContract(InputContracts.standardized(0f, Float.MIN_VALUE))
                  .build(),
              trusted));
      broken.put(8L, signed(ModelVersion.newBuilder(good).setVersion(8).build(), stranger));
      publishRaw(stack, broken);

      // Then each is refused with its reason, visible on /model, and v1 keeps serving
      await()
          .atMost(Duration.ofMinutes(1))
          .untilAsserted(
              () ->
                  assertThat(get(port, "/model"))
                      .contains(
                          "UNSIGNED",
                          "SHA256_MISMATCH",
                          "UNKNOWN_ARCHITECTURE",
                          "BAD_INPUT_CONTRACT"));
      source.send(TEST, "after-refusals", 200, 0, () -> false, n -> {});
      StackHarness.awaitCount(predictions::size, 200, Duration.ofMinutes(1));
      assertThat(predictions.values().stream().map(Prediction::getModelVersion).distinct())
          .containsExactly(1L);
      assertThat(get(port, "/metrics")).contains("refus");
    }
  }

  private static void publishRaw(StackHarness stack, Map<Long, ModelVersion> versions) {
    Properties props = stack.clientProps();
    props.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(TopicLayout.MODELS_MAX_MESSAGE_BYTES));
    AvroSerde<ModelVersion> serde = ContractSerdes.modelVersion();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      versions.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  producer.send(
                      new ProducerRecord<>(
                          stack.topics.models(),
                          TopicNames.modelKey(e.getValue().getModelName(), e.getKey()),
                          serde.encode(e.getValue()))));
    }
  }

  private static ModelVersion signed(ModelVersion v, java.security.KeyPair keys) {
    ModelSigning.sign(v, keys);
    return v;
  }

  private static byte[] bytes(ModelVersion v) {
    ByteBuffer b = v.getParameters().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .body();
  }
}
