package org.mniststream.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.mniststream.app.config.AppSettings;
import org.mniststream.app.config.StreamsConfigFactory;
import org.mniststream.app.config.WarmUpSettings;
import org.mniststream.app.models.ModelRegistry;
import org.mniststream.app.ops.AppMetrics;
import org.mniststream.app.topology.ClassifierTopology;
import org.mniststream.app.topology.StreamTopics;
import org.mniststream.model.image.ImageValidator;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.PixelEncoding;

/**
 * Runs synthetic image events through the production classifier topology before Kafka Streams
 * starts, so that a fresh instance's first seconds of consuming do not run in the JVM's
 * interpreter: decode, validation and fitting, the pending store and its changelog records,
 * batching (full batches and the punctuator's partial ones), normalization, the forward pass with
 * the registry's serving models, prediction building and encoding, all the same code as in the
 * stream threads (JIT-compiled code is shared by every thread of the process).
 *
 * <p>The topology runs on Kafka Streams' {@link TopologyTestDriver}, not through Kafka: no record
 * leaves the process, nothing is committed to a topic, and the meters the dashboard reads are not
 * touched (the warm-up counts on meters of its own). Its state lives in a temporary directory that
 * is deleted afterwards. Bounded by {@link WarmUpSettings#events()} and {@link
 * WarmUpSettings#maxTime()}, whichever comes first.
 */
final class HotPathWarmUp {
  /** What the warm-up did. */
  record Result(int events, long predictions, Duration took) {}

  /** Distinct synthetic events, cycled through (each pixel pattern decoded and classified). */
  private static final int DISTINCT_EVENTS = 256;

  private HotPathWarmUp() {}

  /**
   * Runs the warm-up with the registry's current routes (call once a version serves).
   *
   * @param config the app's configuration, as for Kafka Streams
   */
  static Result run(
      Properties config,
      StreamTopics topics,
      ModelRegistry registry,
      AppSettings settings,
      WarmUpSettings warmUp,
      Clock clock) {
    long started = System.nanoTime();
    long deadline = started + warmUp.maxTime().toNanos();
    Path stateDir;
    try {
      stateDir = Files.createTempDirectory("mnist-stream-warmup");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the warm-up's state directory", e);
    }
    Properties streamsConfig = StreamsConfigFactory.streamsConfig(config);
    streamsConfig.put(
        StreamsConfig.APPLICATION_ID_CONFIG,
        streamsConfig.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-warmup");
    streamsConfig.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    byte[][] values = syntheticEvents(DISTINCT_EVENTS);
    int[] groups = groupSizes(settings.batchSize());
    int sent = 0;
    long predictions = 0;
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            ClassifierTopology.build(topics, registry, clock, settings, AppMetrics.discarding()),
            streamsConfig)) {
      ByteArraySerializer bytes = new ByteArraySerializer();
      TestInputTopic<byte[], byte[]> images =
          driver.createInputTopic(topics.images().name(), bytes, bytes);
      for (int g = 0; sent < warmUp.events() && System.nanoTime() < deadline; g++) {
        int group = Math.min(groups[g % groups.length], warmUp.events() - sent);
        for (int i = 0; i < group; i++, sent++) {
          byte[] value = values[sent % values.length];
          images.pipeInput(key(sent % values.length), value);
        }
        // a group smaller than a batch is classified by the punctuator, as a slow stream's is
        driver.advanceWallClockTime(settings.batchMaxWait());
        predictions += drain(driver, topics.predictions().name());
      }
    } finally {
      deleteRecursively(stateDir);
    }
    return new Result(sent, predictions, Duration.ofNanos(System.nanoTime() - started));
  }

  /** Full batches mostly (a backlog), and the partial sizes a slow stream makes. */
  private static int[] groupSizes(int batchSize) {
    return new int[] {
      batchSize,
      batchSize,
      batchSize,
      1,
      Math.max(1, batchSize / 8),
      batchSize,
      Math.max(1, batchSize / 2)
    };
  }

  /** Empties every topic the driver wrote; returns how many records went to {@code counted}. */
  private static long drain(TopologyTestDriver driver, String counted) {
    long n = 0;
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();
    for (String topic : driver.producedTopicNames()) {
      var out = driver.createOutputTopic(topic, bytes, bytes);
      long size = out.getQueueSize();
      out.readRecordsToList();
      if (topic.equals(counted)) {
        n += size;
      }
    }
    return n;
  }

  /** 28x28 RAW_GRAY8 events, as the image producers send them: a stroke with some noise. */
  private static byte[][] syntheticEvents(int count) {
    Random random = new Random(28);
    int side = ImageValidator.INPUT_SIDE;
    byte[][] values = new byte[count][];
    for (int i = 0; i < count; i++) {
      byte[] pixels = new byte[side * side];
      int column = side / 3 + random.nextInt(side / 3);
      for (int y = side / 5; y < side - side / 5; y++) {
        for (int dx = 0; dx < 3; dx++) {
          pixels[y * side + column + dx] = (byte) (200 + random.nextInt(56));
        }
      }
      for (int k = 0; k < 20; k++) {
        pixels[random.nextInt(pixels.length)] = (byte) random.nextInt(256);
      }
      values[i] =
          ContractSerdes.imageEvent()
              .encode(
                  ImageEvent.newBuilder()
                      .setEventId("warmup-" + i)
                      .setSource("warmup")
                      .setEventTime(Instant.EPOCH)
                      .setHeight(side)
                      .setWidth(side)
                      .setEncoding(PixelEncoding.RAW_GRAY8)
                      .setPixels(ByteBuffer.wrap(pixels))
                      .setLabel(i % 10)
                      .setAttributes(Map.of())
                      .build());
    }
    return values;
  }

  private static byte[] key(int i) {
    return ("warmup-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a start for
    }
  }
}
