package org.mniststream.app.quality;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.mniststream.app.config.StreamsConfigFactory;
import org.mniststream.schemas.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live-quality Kafka Streams app: {@link QualityTopology} under its own application id, the
 * classifier's with {@value #APPLICATION_ID_SUFFIX} appended, so it has its own offsets, state and
 * transactions and the classifier's instances never share its work. Exactly-once like the
 * classifier (the same {@link StreamsConfigFactory} defaults).
 */
public final class QualityApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QualityApp.class);
  public static final String APPLICATION_ID_SUFFIX = "-quality";

  private final KafkaStreams streams;
  private final CompletableFuture<Integer> terminated = new CompletableFuture<>();

  /** Builds the topology and Kafka Streams from the app's layered configuration. */
  public QualityApp(Properties config, MeterRegistry meters) {
    QualitySettings settings = QualitySettings.from(config);
    Topology topology =
        QualityTopology.build(
            TopicNames.from(config), settings, Clock.systemUTC(), new QualityMetrics(meters));
    LOG.info("Quality topology:\n{}", topology.describe());
    this.streams = new KafkaStreams(topology, streamsConfig(config));
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("Quality stream thread failed; shutting the quality app down", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          LOG.info("Quality Kafka Streams {} -> {}", before, now);
          if (now == KafkaStreams.State.ERROR) {
            terminated.complete(1);
          }
        });
  }

  /** The classifier's Kafka Streams configuration with this app's application id. */
  static Properties streamsConfig(Properties config) {
    Properties p = StreamsConfigFactory.streamsConfig(config);
    p.put(
        StreamsConfig.APPLICATION_ID_CONFIG,
        p.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + APPLICATION_ID_SUFFIX);
    QualitySettings.KEYS.forEach(p::remove);
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

  /** Closes Kafka Streams within {@code timeout}: the open transaction commits first. */
  public void close(Duration timeout) {
    if (!streams.close(timeout)) {
      LOG.warn("Quality Kafka Streams did not close within {}", timeout);
    }
    terminated.complete(0);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
