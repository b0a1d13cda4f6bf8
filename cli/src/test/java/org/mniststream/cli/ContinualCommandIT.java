package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.PartitionOffsetRange;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.Provenance;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.topics.TopicReader;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.MnistSubset;
import org.mniststream.trainer.publishing.ModelPublisher;
import org.mniststream.trainer.publishing.ModelsTopic;
import org.mniststream.trainer.training.SubsetModels;
import picocli.CommandLine;

/**
 * {@code continual} against a real broker: labelled events in, versions out whose provenance ranges
 * tile the topic (no event twice, none skipped), each handed to the judge as a judged rollout; and
 * a run that publishes nothing (refused, dry run) leaves the position where it was.
 */
class ContinualCommandIT {
  private static KafkaFixture kafka;

  @BeforeAll
  static void startKafka() {
    kafka = KafkaFixture.shared();
  }

  private record Run(int code, String out, String err) {}

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String images = "images-" + suffix;
  private final String labels = "labels-" + suffix;
  private final String models = "models-" + suffix;
  private final String rollouts = "rollouts-" + suffix;
  private final String name = "m-" + suffix;
  private final Map<Integer, Long> produced = new TreeMap<>();
  private int next;

  @Test
  void shouldTrainEachLabelledEventOnceAndHandEveryVersionToTheJudge() throws Exception {
    // Given v1 on the models topic, no rollout, and 600 labelled events
    kafka.createTopic(images, 2, Map.of());
    kafka.createTopic(labels, 1, Map.of());
    kafka.createTopic(rollouts, 1, Map.of("cleanup.policy", "compact"));
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    ModelsTopic modelsTopic = ModelsTopic.of(props).withName(models);
    new ModelPublisher(modelsTopic)
        .publish(
            ModelVersion.newBuilder(SubsetModels.subsetMlp()).setModelName(name).build(), null);
    produce(600);
    Map<Integer, Long> first = new TreeMap<>(produced);

    // When the result is refused (a learning rate that wrecks it) or it is a dry run
    Run wrecked = continual("--min-examples", "500", "--learning-rate", "5");
    Run dry = continual("--min-examples", "500", "--dry-run");

    // Then nothing is published, and each run read the same 600 events
    assertThat(wrecked.code()).as(wrecked.err()).isZero();
    assertThat(wrecked.out()).contains("Not published: the holdout accuracy dropped");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("on 600 new labelled examples", "Dry run: nothing published");
    assertThat(wrecked.out()).contains("on 600 new labelled examples");
    assertThat(modelsTopic.published(name, OptionalLong.of(2))).isEmpty();
    assertThat(rollouts()).isEmpty();

    // When it runs for real
    Run v2run = continual("--min-examples", "500");

    // Then v2 is trained from v1 on exactly the 600 events, pinned v1 first, then judged
    assertThat(v2run.code()).as(v2run.err()).isZero();
    ModelVersion v2 = modelsTopic.published(name, OptionalLong.of(2)).orElseThrow();
    assertThat(v2.getParentVersion()).isEqualTo(1L);
    assertThat(v2.getTrainingConfig()).containsEntry(ContinualProgress.MARKER, images);
    assertThat(ranges(v2.getProvenance())).isEqualTo(ranges(Map.of(0, 0L, 1, 0L), first));
    assertThat(v2.getProvenance().getStreamExamples() + v2.getProvenance().getHoldoutExamples())
        .isEqualTo(600);
    List<ModelRollout> afterV2 = rollouts();
    assertThat(afterV2).hasSize(2);
    assertThat(afterV2.get(0).getActiveVersion()).isEqualTo(1L);
    assertThat(afterV2.get(0).getPolicy()).isNull();
    assertThat(afterV2.get(0).getIssuedBy()).isEqualTo(ContinualCommand.ISSUER);
    assertJudged(afterV2.get(1), 2, 1);

    // When it looks again while v2 is judged: it waits
    Run judging = continual("--min-examples", "500");
    assertThat(judging.code()).as(judging.err()).isZero();
    assertThat(judging.out()).contains("v2 of " + name + " is being judged against v1");

    // Given the judge promoted v2 (its last record: a plain pin)
    sendRollout(JudgedRollouts.rollback(name, 2, Instant.now(), JudgedRollouts.JUDGE, "promoted"));

    // When there is nothing new, or 300 new events with --min-examples 500: nothing
    Run none = continual("--min-examples", "500");
    produce(300);
    Run few = continual("--min-examples", "500");

    assertThat(none.code()).as(none.err()).isZero();
    assertThat(none.out()).contains("0 new labelled examples after v2's examples");
    assertThat(few.code()).as(few.err()).isZero();
    assertThat(few.out()).contains("300 new labelled examples after v2's examples");
    assertThat(modelsTopic.published(name, OptionalLong.of(3))).isEmpty();

    // When 300 more come (600 new)
    produce(300);
    Run v3run = continual("--min-examples", "500");

    // Then v3 is trained from the serving v2, on the events after v2's, and judged against v2
    assertThat(v3run.code()).as(v3run.err()).isZero();
    ModelVersion v3 = modelsTopic.published(name, OptionalLong.of(3)).orElseThrow();
    assertThat(v3.getParentVersion()).isEqualTo(2L);
    assertThat(ranges(v3.getProvenance())).isEqualTo(ranges(first, produced));
    assertThat(v3.getProvenance().getStreamExamples() + v3.getProvenance().getHoldoutExamples())
        .isEqualTo(600);
    List<ModelRollout> afterV3 = rollouts();
    assertThat(afterV3).hasSize(4); // the pin on v2 was there: no new pin
    assertJudged(afterV3.get(3), 3, 2);
  }

  @Test
  void shouldSayInOneLineWhatIsWrong() {
    Run unreachable =
        run("continual", "--once", "-b", "localhost:1", "--kafka-timeout", "2", "--data-dir", ".");
    Run missing =
        run(
            "continual",
            "--once",
            "-b",
            kafka.bootstrapServers(),
            "--images-topic",
            "absent-" + suffix);
    Run badFlag = run("continual", "--once", "--start", "yesterday");

    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(unreachable.err().strip())
        .startsWith("Error: cannot reach Kafka at localhost:1 within 2 s")
        .doesNotContain("\n");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err().strip())
        .isEqualTo(
            "Error: topic absent-"
                + suffix
                + " does not exist (create it with: mnist-stream topics --create)");
    assertThat(badFlag.code()).isEqualTo(2);
    assertThat(badFlag.err().strip()).isEqualTo("--start is earliest or latest, not 'yesterday'");
  }

  private static void assertJudged(ModelRollout r, long candidate, long baseline) {
    assertThat(JudgedRollouts.isJudged(r)).as("judged: %s", r).isTrue();
    assertThat(r.getCandidateVersion()).isEqualTo(candidate);
    assertThat(r.getBaselineVersion()).isEqualTo(baseline);
    assertThat(r.getStage()).isZero();
    assertThat(r.getActiveVersion()).isEqualTo(baseline);
    assertThat(r.getIssuedBy()).isEqualTo(ContinualCommand.ISSUER);
  }

  private Run continual(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "continual",
                "--once",
                "-b",
                kafka.bootstrapServers(),
                "--model-name",
                name,
                "--images-topic",
                images,
                "--labels-topic",
                labels,
                "--models-topic",
                models,
                "--rollouts-topic",
                rollouts,
                "--data-dir",
                SubsetModels.subsetDir().toString(),
                "--max-batches",
                "20",
                "--threads",
                "1"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = MnistStreamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code count} labelled events (test images, new ids), counted by partition. */
  private void produce(int count) throws Exception {
    IdxDataset test = MnistSubset.test();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int n = 0; n < count; n++, next++) {
        int i = next % test.count();
        String id = "e-" + next;
        ImageEvent event =
            ImageEvent.newBuilder()
                .setEventId(id)
                .setSource("continual-it")
                .setEventTime(Instant.now())
                .setHeight(28)
                .setWidth(28)
                .setEncoding(PixelEncoding.RAW_GRAY8)
                .setPixels(ByteBuffer.wrap(test.pixelsOf(i)))
                .setLabel(test.label(i))
                .build();
        RecordMetadata m =
            producer
                .send(
                    new ProducerRecord<>(
                        images,
                        id.getBytes(StandardCharsets.UTF_8),
                        ContractSerdes.imageEvent().encode(event)))
                .get();
        produced.merge(m.partition(), 1L, Long::sum);
      }
    }
  }

  private void sendRollout(ModelRollout rollout) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer
          .send(
              new ProducerRecord<>(
                  rollouts,
                  name.getBytes(StandardCharsets.UTF_8),
                  ContractSerdes.modelRollout().encode(rollout)))
          .get();
    }
  }

  /** Every record of the rollouts topic, decoded, in order. */
  private List<ModelRollout> rollouts() throws Exception {
    Properties props = new Properties();
    props.putAll(kafka.clientProperties());
    List<ModelRollout> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(props, "continual-it"))) {
      for (ConsumerRecord<byte[], byte[]> r :
          TopicReader.readAll(consumer, List.of(rollouts), Duration.ofSeconds(30))) {
        all.add(ContractSerdes.modelRollout().decode(r.value()));
      }
    }
    return all;
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** The image-events ranges of a provenance, {@code partition -> from-to}. */
  private Map<Integer, String> ranges(Provenance p) {
    assertThat(p.getSourceTopics()).hasSize(1);
    assertThat(p.getSourceTopics().get(0).getTopic()).isEqualTo(images);
    Map<Integer, String> ranges = new TreeMap<>();
    for (PartitionOffsetRange r : p.getSourceTopics().get(0).getPartitions()) {
      ranges.put(r.getPartition(), r.getFromOffset() + "-" + r.getToOffset());
    }
    return ranges;
  }

  private static Map<Integer, String> ranges(Map<Integer, Long> from, Map<Integer, Long> to) {
    Map<Integer, String> ranges = new TreeMap<>();
    for (int p = 0; p < 2; p++) {
      ranges.put(p, from.getOrDefault(p, 0L) + "-" + to.getOrDefault(p, 0L));
    }
    return ranges;
  }
}
