package org.mniststream.trainer.publishing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.model.Architecture;
import org.mniststream.model.ModelSigning;
import org.mniststream.model.ModelVersions;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.commands.ExitCodes;
import org.mniststream.trainer.training.SubsetModels;

/** Publishing to and reading from a real broker. */
class ModelPublisherIT {
  private static KafkaFixture kafka;

  @TempDir Path tmp;

  @BeforeAll
  static void startKafka() {
    kafka = KafkaFixture.shared();
  }

  private static ModelsTopic newTopic() {
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    return ModelsTopic.of(props).withName("models-" + UUID.randomUUID());
  }

  private static String newModelName() {
    return "m-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void shouldAssignVersionOneThenTwoAndCreateACompactedTopicSizedForModels() throws Exception {
    ModelsTopic topic = newTopic();
    String name = newModelName();
    ModelVersion model = ModelVersions.untrained(name, 0, Architecture.CNN_V1, 1L);
    ModelPublisher publisher = new ModelPublisher(topic);

    ModelVersion first = publisher.publish(model, null);
    ModelVersion second = publisher.publish(model, null);

    assertThat(List.of(first.getVersion(), second.getVersion())).containsExactly(1L, 2L);
    assertThat(topic.published(name, OptionalLong.of(1))).contains(first);
    assertThat(topic.published(name, OptionalLong.empty())).contains(second);
    assertThat(topic.published(name, OptionalLong.of(3))).isEmpty();
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
      assertThat(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value()).isEqualTo("4194304");
    }
  }

  @Test
  void shouldGiveRacingPublishersDistinctGapFreeVersions() throws Exception {
    ModelsTopic topic = newTopic();
    String name = newModelName();
    ModelVersion model = ModelVersions.untrained(name, 0, Architecture.MLP_V1, 2L);
    new ModelPublisher(topic).publish(model, null); // version 1, and the topic exists
    int publishers = 4;
    int each = 3;
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    List<Future<List<Long>>> results = new ArrayList<>();
    try {
      for (int p = 0; p < publishers; p++) {
        Callable<List<Long>> task =
            () -> {
              List<Long> versions = new ArrayList<>();
              ModelPublisher publisher = new ModelPublisher(topic);
              for (int i = 0; i < each; i++) {
                versions.add(publisher.publish(model, null).getVersion());
              }
              return versions;
            };
        results.add(pool.submit(task));
      }
      List<Long> versions = new ArrayList<>();
      for (Future<List<Long>> result : results) {
        versions.addAll(result.get(5, TimeUnit.MINUTES));
      }

      assertThat(versions)
          .containsExactlyInAnyOrderElementsOf(
              LongStream.rangeClosed(2, 1 + publishers * each).boxed().toList());
      assertThat(topic.published(name, OptionalLong.empty()))
          .get()
          .extracting(ModelVersion::getVersion)
          .isEqualTo((long) 1 + publishers * each);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldRefuseARecordLargerThanTheTopicAcceptsWithAClearError() throws Exception {
    ModelsTopic topic = newTopic();
    kafka.createTopic(
        topic.name(), 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(500_000)));
    String name = newModelName();
    ModelVersion cnn = ModelVersions.untrained(name, 0, Architecture.CNN_V1, 3L);

    assertThatThrownBy(() -> new ModelPublisher(topic).publish(cnn, null))
        .isInstanceOf(ModelTooLargeException.class)
        .hasMessageContaining("accepts at most 500000 bytes")
        .hasMessageContaining("max.message.bytes")
        .satisfies(
            e -> assertThat(((ModelTooLargeException) e).recordBytes()).isGreaterThan(900_000));
    assertThat(topic.published(name, OptionalLong.empty())).isEmpty();
  }

  @Test
  void shouldPublishSignedAndEvaluateAndFineTuneAPublishedVersionThroughTheCli() throws Exception {
    ModelsTopic topic = newTopic();
    String name = newModelName();
    Path saved = SubsetModels.subsetMlpDir();
    ModelVersion local = SavedModel.load(saved);
    KeyPair keys = SigningKeys.generate(tmp, "release", false);
    String[] kafkaArgs = {"--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic.name()};

    Run publish =
        cli(
            concat(
                new String[] {
                  "publish",
                  "--model-dir",
                  saved.toString(),
                  "--model-name",
                  name,
                  "--signing-key",
                  tmp.resolve("release.key").toString()
                },
                kafkaArgs));

    assertThat(publish.code()).as(publish.err()).isEqualTo(ExitCodes.OK);
    assertThat(publish.out()).contains("Published " + name + "/0000000001");
    ModelVersion published = topic.published(name, OptionalLong.of(1)).orElseThrow();
    assertThat(published.getParametersSha256()).isEqualTo(local.getParametersSha256());
    assertThat(ModelSigning.verifiedBy(published, List.of(keys.getPublic()))).isPresent();

    Run evaluate =
        cli(
            concat(
                new String[] {
                  "evaluate",
                  "--model-version",
                  "1",
                  "--model-name",
                  name,
                  "--data-dir",
                  SubsetModels.subsetDir().toString()
                },
                kafkaArgs));

    assertThat(evaluate.code()).as(evaluate.err()).isEqualTo(ExitCodes.OK);
    assertThat(evaluate.out())
        .contains(String.format("Test accuracy: %.4f", local.getMetrics().getTestAccuracy()));

    Run fineTune =
        cli(
            concat(
                new String[] {
                  "fine-tune",
                  "--from-version",
                  "latest",
                  "--model-name",
                  name,
                  "--data-dir",
                  SubsetModels.subsetDir().toString(),
                  "--epochs",
                  "1",
                  "--max-batches",
                  "2",
                  "--publish"
                },
                kafkaArgs));

    assertThat(fineTune.code()).as(fineTune.err()).isEqualTo(ExitCodes.OK);
    ModelVersion child = topic.published(name, OptionalLong.of(2)).orElseThrow();
    assertThat(child.getParentVersion()).isEqualTo(1L);
    assertThat(child.getArchitecture()).isEqualTo(local.getArchitecture());
  }

  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        TrainerCli.execute(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
