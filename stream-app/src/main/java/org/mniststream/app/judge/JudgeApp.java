package org.mniststream.app.judge;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.mniststream.app.config.StreamsConfigFactory;
import org.mniststream.app.quality.QualitySettings;
import org.mniststream.schemas.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout judge as a Kafka Streams app: {@link JudgeTopology} under its own application id, the
 * classifier's with {@value #APPLICATION_ID_SUFFIX} appended, exactly-once like the classifier. It
 * runs in every stream-app process that runs the quality app ({@code quality.enabled=true}) unless
 * {@value #ENABLED} is false; its one task lives on one of them at a time.
 */
public final class JudgeApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JudgeApp.class);
  public static final String APPLICATION_ID_SUFFIX = "-judge";

  /** Runs the judge where the quality app runs (default true). */
  public static final String ENABLED = "judge.enabled";

  /** Every key of the judge's settings. */
  public static final List<String> KEYS = List.of(ENABLED);

  private final KafkaStreams streams;
  private final CompletableFuture<Integer> terminated = new CompletableFuture<>();

  public JudgeApp(Properties config, MeterRegistry meters) {
    Topology topology =
        JudgeTopology.build(TopicNames.from(config), Clock.systemUTC(), new JudgeMetrics(meters));
    LOG.info("Judge topology:\n{}", topology.describe());
    this.streams = new KafkaStreams(topology, streamsConfig(config));
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("Judge stream thread failed; shutting the judge down", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          LOG.info("Judge Kafka Streams {} -> {}", before, now);
          if (now == KafkaStreams.State.ERROR) {
            terminated.complete(1);
          }
        });
  }

  /** Whether {@code config} asks for the judge: the quality app runs and the judge is not off. */
  public static boolean enabled(Properties config) {
    String value = config.getProperty(ENABLED, "true").trim();
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(ENABLED + " must be true or false, got " + value);
    }
    return QualitySettings.from(config).enabled() && Boolean.parseBoolean(value);
  }

  /** The classifier's Kafka Streams configuration with this app's application id, one thread. */
  static Properties streamsConfig(Properties config) {
    Properties p = StreamsConfigFactory.streamsConfig(config);
    p.put(
        StreamsConfig.APPLICATION_ID_CONFIG,
        p.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + APPLICATION_ID_SUFFIX);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    QualitySettings.KEYS.forEach(p::remove);
    KEYS.forEach(p::remove);
    return p;
  }

  public void start() {
    streams.start();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Completes with 1 when Kafka Streams fails, 0 once closed. */
  public CompletableFuture<Integer> terminated() {
    return terminated;
  }

  public void close(Duration timeout) {
    if (!streams.close(timeout)) {
      LOG.warn("Judge Kafka Streams did not close within {}", timeout);
    }
    terminated.complete(0);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
