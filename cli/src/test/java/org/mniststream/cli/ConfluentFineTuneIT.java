package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.framing.FramedSerde;
import org.mniststream.schemas.framing.SchemaRegistryClient;
import org.mniststream.schemas.framing.ValueFormat;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.testing.SchemaRegistryFixture;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.MnistSubset;
import org.mniststream.trainer.training.SubsetModels;

/**
 * {@code fine-tune --from-topic} on an images topic where a registry-aware producer (Confluent
 * framing) and a single-object producer both write, against the real broker and the real registry
 * the build makes: with {@code schema.registry.url} among its Kafka properties it trains on both;
 * without, it counts the framed records as skipped by their reason rather than failing.
 */
class ConfluentFineTuneIT {
  private static KafkaFixture kafka;
  private static SchemaRegistryFixture registry;

  @TempDir Path dir;

  private final String images = "images-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void start() {
    kafka = KafkaFixture.shared();
    registry = SchemaRegistryFixture.start();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void shouldTrainOnConfluentFramedAndSingleObjectEventsAlike() throws Exception {
    // Given 300 labelled events in Confluent framing and 100 in single-object encoding
    kafka.createTopic(images, 2, Map.of());
    produce(300, 100);

    // When fine-tune reads the topic with the registry named in its Kafka properties, then without
    String withRegistry =
        fineTune("--kafka-property", "schema.registry.url=" + registry.confluentApiUrl());
    String without = fineTune();

    // Then it trains on all 400 with the registry, and on the 100 single-object ones without
    assertThat(withRegistry)
        .contains("Read 400 records of " + images)
        .contains("400 labelled examples (400 inline")
        .contains("skipped none");
    assertThat(without)
        .contains("Read 400 records of " + images)
        .contains("100 labelled examples (100 inline")
        .containsPattern("skipped \\{[A-Z_]+=300\\}");
  }

  private void produce(int framed, int plain) throws Exception {
    IdxDataset test = MnistSubset.test();
    FramedSerde<ImageEvent> confluent =
        new FramedSerde<>(
            ContractSerdes.imageEvent(),
            images,
            ValueFormat.CONFLUENT,
            Optional.of(
                new SchemaRegistryClient(
                    registry.confluentApiUrl(),
                    Optional.empty(),
                    SchemaRegistryClient.Retry.DEFAULT)));
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int n = 0; n < framed + plain; n++) {
        int i = n % test.count();
        String id = "cf-" + n;
        ImageEvent event =
            ImageEvent.newBuilder()
                .setEventId(id)
                .setSource("confluent-fine-tune-it")
                .setEventTime(Instant.now())
                .setHeight(test.rows())
                .setWidth(test.cols())
                .setEncoding(PixelEncoding.RAW_GRAY8)
                .setPixels(ByteBuffer.wrap(test.pixelsOf(i)))
                .setLabel(test.label(i))
                .build();
        byte[] value =
            n < framed
                ? confluent.serialize(images, event)
                : ContractSerdes.imageEvent().encode(event);
        producer.send(new ProducerRecord<>(images, id.getBytes(StandardCharsets.UTF_8), value));
      }
      producer.flush();
    }
  }

  private String fineTune(String... extra) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "fine-tune",
                "--from-dir",
                SubsetModels.subsetMlpDir().toString(),
                "--from-topic",
                images,
                "--labels-topic",
                "none",
                "-b",
                kafka.bootstrapServers(),
                "--data-dir",
                SubsetModels.subsetDir().toString(),
                "--epochs",
                "1",
                "--max-batches",
                "2",
                "--threads",
                "1",
                "-o",
                dir.resolve("out-" + UUID.randomUUID()).toString()));
    args.addAll(java.util.List.of(extra));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        TrainerCli.execute(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args.toArray(String[]::new));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed + "\n" + err.toString(StandardCharsets.UTF_8)).isZero();
    return printed;
  }
}
