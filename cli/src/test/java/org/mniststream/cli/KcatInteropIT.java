package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;
import org.mniststream.kafka.FreePorts;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.training.SubsetModels;

/**
 * Interop with a Kafka client nobody here wrote: Debian's kcat (librdkafka) produces image events
 * and consumes the committed predictions, and the prediction bytes are decoded with the published
 * {@code Prediction.avsc} alone (no generated class, no serde of ours). The commands are the
 * README's.
 */
class KcatInteropIT {
  private static final Path AVSC = Path.of("..", "schemas", "src", "main", "avro");

  @Test
  void shouldServeEventsProducedByKcatAndBeReadableWithTheAvscAlone() throws Exception {
    assumeTrue(onPath("kcat"), "kcat is not installed (apt-get install kcat); .ci/run installs it");
    try (KafkaFixture kafka = KafkaFixture.start();
        StackHarness stack = new StackHarness(kafka)) {
      assertThat(stack.publish(SubsetModels.subsetCnnDir())).isZero();
      stack.startApp("app", FreePorts.loopback(), List.of());

      // Given image events written as files, produced one record per file by kcat
      Path events = stack.work.resolve("events");
      int count = 5;
      assertThat(
              MnistStreamCli.execute(
                  "sample-events",
                  "--out",
                  events.toString(),
                  "--count",
                  Integer.toString(count),
                  "--data-dir",
                  SubsetModels.subsetDir().toString()))
          .isZero();
      for (int i = 0; i < count; i++) {
        run(
            "kcat",
            "-P",
            "-b",
            kafka.bootstrapServers(),
            "-t",
            stack.topics.images(),
            "-k",
            "kcat-" + i,
            events.resolve("kcat-" + i + ".avro").toString());
      }

      // When kcat reads the committed predictions (once they are there), length-prefixed (%R) so
      // binary values survive
      try (TopicContents<byte[]> arrived =
          new TopicContents<>(stack.clientProps(), stack.topics.predictions(), b -> b)) {
        StackHarness.awaitCount(arrived::size, count, java.time.Duration.ofMinutes(1));
      }
      byte[] out =
          run(
              "kcat",
              "-C",
              "-b",
              kafka.bootstrapServers(),
              "-t",
              stack.topics.predictions(),
              "-o",
              "beginning",
              "-e",
              "-X",
              "isolation.level=read_committed",
              "-f",
              "%R%s");

      // Then the bytes decode with the published schema file alone
      Schema schema = new Schema.Parser().parse(AVSC.resolve("Prediction.avsc").toFile());
      long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
      ByteBuffer buffer = ByteBuffer.wrap(out);
      List<String> ids = new ArrayList<>();
      while (buffer.remaining() > 0) {
        byte[] value = new byte[buffer.getInt()];
        buffer.get(value);
        ByteBuffer v = ByteBuffer.wrap(value).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(v.get()).isEqualTo((byte) 0xC3);
        assertThat(v.get()).isEqualTo((byte) 0x01);
        assertThat(v.getLong()).isEqualTo(fingerprint);
        GenericRecord p =
            new GenericDatumReader<GenericRecord>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(value, 10, value.length - 10, null));
        assertThat((int) p.get("predictedClass")).isBetween(0, 9);
        ids.add(p.get("eventId").toString());
      }
      assertThat(ids).containsExactlyInAnyOrder("kcat-0", "kcat-1", "kcat-2", "kcat-3", "kcat-4");
    }
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
    assertThat(p.exitValue()).as("%s exit code", String.join(" ", command)).isZero();
    return out.toByteArray();
  }
}
