package org.mniststream.app.config;

import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.ValueFormats;

/**
 * The Kafka Streams configuration of the app: the given properties win, and every key they leave
 * out gets the default below. Tests and production call this one method.
 *
 * <p>Error-handling policy (nothing is ever dropped silently):
 *
 * <ul>
 *   <li>Deserialization: {@link LogAndFailExceptionHandler}. Every source reads raw bytes with the
 *       ByteArray deserializer, which cannot fail; contract decoding happens inside the processors,
 *       where a bad image becomes a dead letter and a bad model record a logged refusal. A failure
 *       here would be a bug, so it fails loudly instead of skipping a record.
 *   <li>Processing: {@link LogAndFailProcessingExceptionHandler}. The classifier turns every
 *       per-record problem into a dead letter itself; an exception that still escapes is an
 *       infrastructure failure or a bug. Failing aborts the EOS transaction, so the record is
 *       processed again after the restart instead of being skipped.
 *   <li>Production: {@link DefaultProductionExceptionHandler}: retriable errors are retried, any
 *       other fails the task (the transaction aborts; nothing is committed as sent that was not).
 * </ul>
 */
public final class StreamsConfigFactory {
  public static final String DEFAULT_APPLICATION_ID = "mnist-stream";
  public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";

  /** Room for model records (~1 MB of parameters plus metadata) and large images, with margin. */
  static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

  private StreamsConfigFactory() {}

  /**
   * The topic-name keys of {@code TopicNames}: the app's own settings, which Kafka Streams has no
   * use for (and would log as unknown).
   */
  public static final Set<String> TOPIC_NAME_KEYS = Set.copyOf(TopicNames.KEYS);

  public static Properties streamsConfig(Properties overrides) {
    Properties p = new Properties();
    p.putAll(overrides);
    TOPIC_NAME_KEYS.forEach(p::remove);
    // the value formats and the registry are the app's (ValueFormats), not Kafka's
    p.stringPropertyNames().stream()
        .filter(
            k ->
                k.equals(ValueFormats.VALUE_FORMAT)
                    || k.startsWith(ValueFormats.VALUE_FORMAT + ".")
                    || k.startsWith("schema.registry."))
        .forEach(p::remove);
    p.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    p.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP_SERVERS);
    p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.putIfAbsent(
        StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    p.putIfAbsent(
        StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
    // Short commits: under EOS a prediction is visible to read_committed readers only once its
    // transaction commits, so the commit interval is the floor of end-to-end latency (what it
    // costs at each setting: docs/BENCHMARKS.md).
    p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "50");
    // libtorch runs one intra-op thread per caller (EngineTuning), so the cores are used by
    // running one stream thread per core (each needs a partition of its own to work on)
    p.putIfAbsent(
        StreamsConfig.NUM_STREAM_THREADS_CONFIG,
        Integer.toString(Runtime.getRuntime().availableProcessors()));
    p.putIfAbsent(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailExceptionHandler.class.getName());
    p.putIfAbsent(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailProcessingExceptionHandler.class.getName());
    p.putIfAbsent(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DefaultProductionExceptionHandler.class.getName());
    // An instance that dies without leaving the group (kill -9, a lost machine) holds its
    // partitions until its session expires, and its open transaction holds back its output
    // partitions until the coordinator aborts it: 6 s each (the broker's smallest allowed session,
    // instead of the clients' 45 s and Kafka Streams' 10 s) bound how long those events wait for
    // another instance (docs/RELIABILITY.md, "A fleet of app instances"). Heartbeats every 1.5 s
    // leave three misses before a live instance is taken for dead; commits every 50 ms keep each
    // transaction far below 6 s.
    p.putIfAbsent(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000");
    p.putIfAbsent(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1500");
    p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), "6000");
    // A new application id must classify the backlog it finds, never skip it.
    p.putIfAbsent(
        StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // EOS already reads committed data only; this keeps an aborted model publication from
    // reaching the registry under at_least_once too.
    p.putIfAbsent(
        StreamsConfig.globalConsumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
        "read_committed");
    p.putIfAbsent(
        StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
        Integer.toString(MAX_RECORD_BYTES));
    p.putIfAbsent(
        StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG),
        Integer.toString(4 * MAX_RECORD_BYTES));
    p.putIfAbsent(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        Integer.toString(MAX_RECORD_BYTES));
    // Internal topics (changelogs, repartition) take the broker's default.replication.factor and
    // min.insync.replicas: right for any cluster without the app counting brokers, and a
    // three-node cluster (the embedded one included) sets 3 and 2. -1 is also Kafka Streams'
    // own default; it is set here so an operator's overrides.properties shows where to change it.
    p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
    // A few ms of linger lets the predictions of one batch share a produce request.
    p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "5");
    return p;
  }
}
