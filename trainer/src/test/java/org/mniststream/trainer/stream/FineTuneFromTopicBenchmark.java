package org.mniststream.trainer.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.commands.ExitCodes;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.publishing.ModelPublisher;
import org.mniststream.trainer.publishing.ModelsTopic;
import org.mniststream.trainer.training.SubsetModels;

/**
 * The figure of docs/BENCHMARKS.md "Fine-tuning from the topic": one fine-tune pass over the 10,000
 * MNIST test images produced as labelled events. Runs only with {@code -DfineTuneBenchmark=DIR} (a
 * directory with the genuine MNIST IDX files); prints the CLI's output. Not named *IT: a benchmark,
 * not a test, so the build runs it only when named (-Dit.test=FineTuneFromTopicBenchmark).
 */
class FineTuneFromTopicBenchmark {
  @Test
  void shouldFineTuneOnePassOverTenThousandLabelledEvents() throws Exception {
    String dir = System.getProperty("fineTuneBenchmark");
    assumeTrue(dir != null, "a benchmark: run with -DfineTuneBenchmark=<MNIST IDX directory>");
    KafkaFixture kafka = KafkaFixture.shared();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String images = "images-" + suffix;
    kafka.createTopic(images, 2, Map.of());
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    ModelsTopic models = ModelsTopic.of(props).withName("models-" + suffix);
    String name = "m-" + suffix;
    new ModelPublisher(models)
        .publish(
            ModelVersion.newBuilder(SubsetModels.subsetCnn()).setModelName(name).build(), null);
    IdxDataset test = DatasetFiles.inDirectory(Path.of(dir)).loadTest();
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < test.count(); i++) {
        ImageEvent e =
            ImageEvent.newBuilder()
                .setEventId("b-" + i)
                .setSource("benchmark")
                .setEventTime(Instant.now())
                .setHeight(28)
                .setWidth(28)
                .setEncoding(PixelEncoding.RAW_GRAY8)
                .setPixels(ByteBuffer.wrap(test.pixelsOf(i)))
                .setLabel(test.label(i))
                .build();
        producer.send(
            new ProducerRecord<>(
                images,
                ("b-" + i).getBytes(StandardCharsets.UTF_8),
                ContractSerdes.imageEvent().encode(e)));
      }
      producer.flush();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long start = System.nanoTime();
    int code =
        TrainerCli.execute(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            "fine-tune",
            "--from-version",
            "latest",
            "--model-name",
            name,
            "--data-dir",
            dir,
            "--epochs",
            "1",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            models.name(),
            "--from-topic",
            images,
            "--labels-topic",
            "none");
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.println(out.toString(StandardCharsets.UTF_8));
    System.out.printf("fine-tune --from-topic wall time: %.1f s%n", seconds);
    assertThat(code).isEqualTo(ExitCodes.OK);
  }
}
