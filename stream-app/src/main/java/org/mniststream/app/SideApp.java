package org.mniststream.app;

import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.mniststream.app.config.StreamsConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams app that runs beside the classifier, in its process, under an application id of
 * its own (the classifier's with a suffix), so it has its own offsets, state and transactions: the
 * quality app and the rollout judge. Exactly-once like the classifier (the same {@link
 * StreamsConfigFactory} defaults). A failure shuts it down and completes {@link #terminated} with
 * 1; it does not stop the classifier.
 */
public final class SideApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SideApp.class);

  private final String name;
  private final KafkaStreams streams;
  private final CompletableFuture<Integer> terminated = new CompletableFuture<>();

  public SideApp(String name, Topology topology, Properties streamsConfig) {
    this.name = name;
    LOG.info("{} topology:\n{}", name, topology.describe());
    this.streams = new KafkaStreams(topology, streamsConfig);
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("{} stream thread failed; shutting the {} down", name, name, e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          LOG.info("{} Kafka Streams {} -> {}", name, before, now);
          if (now == KafkaStreams.State.ERROR) {
            terminated.complete(1);
          }
        });
  }

  /**
   * The classifier's Kafka Streams configuration with the application id suffixed, and without the
   * keys only the product reads.
   */
  public static Properties streamsConfig(
      Properties config, String applicationIdSuffix, Collection<String> ownKeys) {
    Properties p = StreamsConfigFactory.streamsConfig(config);
    p.put(
        StreamsConfig.APPLICATION_ID_CONFIG,
        p.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + applicationIdSuffix);
    ownKeys.forEach(p::remove);
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
      LOG.warn("{} Kafka Streams did not close within {}", name, timeout);
    }
    terminated.complete(0);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
