package org.mniststream.cli.naive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;
import org.mniststream.trainer.publishing.SavedModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link NaivePeerTopology} until SIGTERM; launched by {@code bench --compare naive} as a
 * child JVM, like the stream app. Arguments are {@code key=value} pairs: {@value #MODEL_DIR} (a
 * saved model, the one the bench publishes for the product: the same parameter bytes, though its
 * predictions carry the saved version number, 0 when the directory was never published, where the
 * product's carry the published one), {@value #READY_FILE} (created once Kafka Streams is RUNNING,
 * the peer's only readiness signal), {@code topics.images} and {@code topics.predictions}; every
 * other pair is a Kafka Streams setting.
 */
public final class NaivePeerMain {
  public static final String MODEL_DIR = "model.dir";
  public static final String READY_FILE = "ready.file";

  private static final Logger LOG = LoggerFactory.getLogger(NaivePeerMain.class);

  private NaivePeerMain() {}

  public static void main(String[] args) {
    try {
      System.exit(run(args));
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("naive peer: " + e.getMessage());
      System.exit(2);
    }
  }

  static int run(String[] args) throws IOException {
    Properties props = parse(args);
    String modelDir = (String) props.remove(MODEL_DIR);
    if (modelDir == null) {
      throw new IllegalArgumentException(MODEL_DIR + "=DIR is required");
    }
    String readyFile = (String) props.remove(READY_FILE);
    TopicNames topics = TopicNames.from(props);
    TopicNames.KEYS.forEach(props::remove);
    ModelVersion version = SavedModel.load(Path.of(modelDir));
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    try (NaiveModel model = NaiveModel.load(version)) {
      KafkaStreams streams =
          new KafkaStreams(
              NaivePeerTopology.build(
                  topics.images(), topics.predictions(), model, Clock.systemUTC()),
              NaivePeerTopology.streamsConfig(props));
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.RUNNING && readyFile != null) {
              touch(Path.of(readyFile));
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
              stopped.countDown();
            }
          });
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stopped.countDown();
                    awaitQuietly(closed);
                  },
                  "naive-peer-shutdown"));
      LOG.info(
          "naive peer: {} v{} from {}, {} -> {}",
          model.name(),
          model.version(),
          modelDir,
          topics.images(),
          topics.predictions());
      streams.start();
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      boolean failed = streams.state() == KafkaStreams.State.ERROR;
      streams.close(Duration.ofSeconds(30));
      return failed ? 1 : 0;
    } catch (ai.djl.MalformedModelException e) {
      throw new IllegalArgumentException(modelDir + ": " + e.getMessage(), e);
    } finally {
      closed.countDown();
    }
  }

  static Properties parse(String[] args) {
    Properties props = new Properties();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
      }
      props.setProperty(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return props;
  }

  private static void touch(Path file) {
    try {
      Files.writeString(file, "RUNNING");
    } catch (IOException e) {
      LOG.error("cannot write the ready file {}: {}", file, e.toString());
    }
  }

  /** The shutdown hook's wait for main to close the streams and the model (bounded). */
  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
