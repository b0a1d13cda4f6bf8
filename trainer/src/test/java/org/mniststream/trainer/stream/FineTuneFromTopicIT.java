package org.mniststream.trainer.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.PartitionOffsetRange;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.Provenance;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.commands.ExitCodes;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.MnistSubset;
import org.mniststream.trainer.publishing.ModelPublisher;
import org.mniststream.trainer.publishing.ModelsTopic;
import org.mniststream.trainer.training.SubsetModels;

/**
 * fine-tune --from-topic against a real broker: labelled image events (inline, through the labels
 * topic, as PNG) and invalid ones in, a published version whose provenance names exactly what was
 * produced.
 */
class FineTuneFromTopicIT {
  private static final String OK = "OK";
  private static KafkaFixture kafka;

  @BeforeAll
  static void startKafka() {
    kafka = KafkaFixture.shared();
  }

  /** One produced image record and what the reader must make of it. */
  private record Produced(int partition, long offset, String outcome) {}

  @Test
  void shouldFineTuneFromLabelledEventsAndRecordTheirOffsetsCountsAndReplay() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String images = "images-" + suffix;
    String labels = "labels-" + suffix;
    String name = "m-" + suffix;
    kafka.createTopic(images, 2, Map.of());
    kafka.createTopic(labels, 1, Map.of());
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    ModelsTopic models = ModelsTopic.of(props).withName("models-" + suffix);
    ModelVersion parent =
        new ModelPublisher(models)
            .publish(
                ModelVersion.newBuilder(SubsetModels.subsetMlp()).setModelName(name).build(), null);

    IdxDataset test = MnistSubset.test();
    List<Produced> produced = new ArrayList<>();
    int labelRecords;
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < 40; i++) { // labelled inline
        produced.add(send(producer, images, "e-" + i, raw(test, i, "e-" + i, test.label(i)), OK));
      }
      for (int i = 40; i < 48; i++) { // labelled on the labels topic only
        produced.add(send(producer, images, "e-" + i, raw(test, i, "e-" + i, null), OK));
      }
      for (int i = 48; i < 50; i++) { // PNG, labelled inline
        produced.add(send(producer, images, "e-" + i, png(test, i, "e-" + i), OK));
      }
      // labelled inline with a wrong digit, corrected on the labels topic
      produced.add(send(producer, images, "e-50", raw(test, 50, "e-50", 9 - test.label(50)), OK));
      for (int i = 51; i < 54; i++) {
        produced.add(send(producer, images, "e-" + i, raw(test, i, "e-" + i, null), "UNLABELLED"));
      }
      ImageEvent short_ = raw(test, 54, "e-54", test.label(54));
      short_.setPixels(ByteBuffer.wrap(new byte[700]));
      produced.add(send(producer, images, "e-54", short_, "PIXEL_COUNT_MISMATCH"));
      produced.add(send(producer, images, "e-55", raw(test, 55, "e-55", 12), "INVALID_LABEL"));
      produced.add(send(producer, images, null, raw(test, 56, "e-56", 1), "MISSING_KEY"));
      produced.add(send(producer, images, "e-0", raw(test, 0, "e-0", 1), "DUPLICATE_EVENT"));
      produced.add(
          sendBytes(
              producer,
              images,
              "junk",
              "not avro".getBytes(StandardCharsets.UTF_8),
              "UNDECODABLE"));

      List<LabelEvent> labelEvents = new ArrayList<>();
      for (int i = 40; i < 48; i++) {
        labelEvents.add(label("e-" + i, test.label(i), 2_000));
      }
      labelEvents.add(label("e-40", 9 - test.label(40), 1_000)); // older, loses
      labelEvents.add(label("e-50", test.label(50), 2_000));
      labelEvents.add(label("e-41", 11, 3_000)); // not a digit: refused
      for (LabelEvent l : labelEvents) {
        producer
            .send(
                new ProducerRecord<>(
                    labels,
                    l.getEventId().getBytes(StandardCharsets.UTF_8),
                    ContractSerdes.labelEvent().encode(l)))
            .get();
      }
      labelRecords = labelEvents.size();
    }

    String[] common = {
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
      "--publish",
      "--bootstrap-servers",
      kafka.bootstrapServers(),
      "--topic",
      models.name(),
      "--from-topic",
      images,
      "--labels-topic",
      labels
    };

    // Given everything to the end, a replay ratio of 2 and a 10 % holdout
    Run all = cli(concat(common, "--replay-ratio", "2"));

    assertThat(all.code()).as(all.err()).isEqualTo(ExitCodes.OK);
    assertThat(all.out()).contains("Original test set accuracy:", "Stream holdout accuracy:");
    ModelVersion child = models.published(name, OptionalLong.of(2)).orElseThrow();
    assertThat(child.getParentVersion()).isEqualTo(parent.getVersion());
    Provenance p = child.getProvenance();
    assertThat(p).isNotNull();
    assertThat(p.getSourceTopics()).hasSize(1);
    assertThat(p.getSourceTopics().get(0).getTopic()).isEqualTo(images);
    assertThat(ranges(p.getSourceTopics().get(0).getPartitions()))
        .isEqualTo(Map.of(0, "0-" + countIn(produced, 0), 1, "0-" + countIn(produced, 1)));
    assertThat(p.getLabelsTopic().getTopic()).isEqualTo(labels);
    assertThat(ranges(p.getLabelsTopic().getPartitions()))
        .isEqualTo(Map.of(0, "0-" + labelRecords));
    Map<String, Long> expectedSkipped = outcomes(produced);
    long usable = expectedSkipped.remove(OK);
    expectedSkipped.put("LABEL_INVALID_LABEL", 1L);
    assertThat(usable).isEqualTo(51);
    assertThat(p.getSkipped()).isEqualTo(expectedSkipped);
    assertThat(p.getHoldoutExamples()).isEqualTo(5);
    assertThat(p.getStreamExamples()).isEqualTo(46);
    assertThat(p.getReplayedExamples()).isEqualTo(92);
    assertThat(p.getReplayRatio()).isEqualTo(2.0);
    assertThat(p.getReplayDatasetFingerprint()).hasSize(64);
    assertThat(p.getReplaySampleSha256()).hasSize(64);
    assertThat(p.getOldTestAccuracyBefore())
        .isCloseTo(parent.getMetrics().getTestAccuracy(), within(1e-9));
    assertThat(p.getOldTestAccuracyAfter()).isEqualTo(child.getMetrics().getTestAccuracy());
    assertThat(p.getHoldoutAccuracy()).isBetween(0.0, 1.0);
    assertThat(p.getHoldoutAccuracyBefore()).isBetween(0.0, 1.0);

    // Given only the first 10 offsets of partition 0, no replay, no holdout
    Run part =
        cli(
            concat(
                common, "--offsets", "0:0-10", "--replay-ratio", "0", "--holdout-fraction", "0"));

    assertThat(part.code()).as(part.err()).isEqualTo(ExitCodes.OK);
    Provenance q = models.published(name, OptionalLong.of(3)).orElseThrow().getProvenance();
    assertThat(ranges(q.getSourceTopics().get(0).getPartitions())).isEqualTo(Map.of(0, "0-10"));
    List<Produced> first10 =
        produced.stream().filter(r -> r.partition() == 0 && r.offset() < 10).toList();
    Map<String, Long> expected = outcomes(first10);
    long used = expected.getOrDefault(OK, 0L);
    expected.remove(OK);
    expected.put("LABEL_INVALID_LABEL", 1L);
    assertThat(q.getStreamExamples()).isEqualTo(used);
    assertThat(q.getSkipped()).isEqualTo(expected);
    assertThat(q.getReplayedExamples()).isZero();
    assertThat(q.getReplayDatasetFingerprint()).isNull();
    assertThat(q.getHoldoutAccuracy()).isNull();

    // Given offsets past the end: one clear line, nothing published
    Run past = cli(concat(common, "--offsets", "0:0-100000"));

    assertThat(past.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(past.err().strip())
        .isEqualTo(
            "Error: partition 0 ends at offset "
                + countIn(produced, 0)
                + ", cannot read to 100000");
    assertThat(models.published(name, OptionalLong.of(4))).isEmpty();
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static Produced send(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      String key,
      ImageEvent event,
      String outcome)
      throws Exception {
    return sendBytes(producer, topic, key, ContractSerdes.imageEvent().encode(event), outcome);
  }

  private static Produced sendBytes(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      String key,
      byte[] value,
      String outcome)
      throws Exception {
    byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    // without a key the partition is chosen by the producer; pin it so the test knows it
    Integer partition = key == null ? 1 : null;
    RecordMetadata m = producer.send(new ProducerRecord<>(topic, partition, k, value)).get();
    return new Produced(m.partition(), m.offset(), outcome);
  }

  private static ImageEvent raw(IdxDataset data, int i, String id, Integer label) {
    return event(id, 28, 28, PixelEncoding.RAW_GRAY8, data.pixelsOf(i), label);
  }

  private static ImageEvent png(IdxDataset data, int i, String id) throws IOException {
    BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, 28, 28, data.pixelsOf(i));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return event(id, 28, 28, PixelEncoding.PNG, bytes.toByteArray(), data.label(i));
  }

  private static ImageEvent event(
      String id, int h, int w, PixelEncoding encoding, byte[] pixels, Integer label) {
    return ImageEvent.newBuilder()
        .setEventId(id)
        .setSource("fine-tune-it")
        .setEventTime(Instant.now())
        .setHeight(h)
        .setWidth(w)
        .setEncoding(encoding)
        .setPixels(ByteBuffer.wrap(pixels))
        .setLabel(label)
        .build();
  }

  private static LabelEvent label(String id, int value, long at) {
    return LabelEvent.newBuilder()
        .setEventId(id)
        .setLabel(value)
        .setLabelledBy("it")
        .setLabelledAt(Instant.ofEpochMilli(at))
        .build();
  }

  private static long countIn(List<Produced> produced, int partition) {
    return produced.stream().filter(r -> r.partition() == partition).count();
  }

  private static Map<String, Long> outcomes(List<Produced> produced) {
    return produced.stream()
        .collect(Collectors.groupingBy(Produced::outcome, TreeMap::new, Collectors.counting()));
  }

  private static Map<Integer, String> ranges(List<PartitionOffsetRange> partitions) {
    Map<Integer, String> ranges = new TreeMap<>();
    partitions.forEach(
        r -> ranges.put(r.getPartition(), r.getFromOffset() + "-" + r.getToOffset()));
    return ranges;
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

  private static String[] concat(String[] a, String... b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
