package org.mniststream.app.quality;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;
import org.mniststream.schemas.json.JsonCodec;

/**
 * The live-quality topology. Topics (keys and values as on the wire):
 *
 * <ul>
 *   <li>reads {@code topics.predictions} ({@code mnist.predictions}) and {@code
 *       topics.predictions.shadow} ({@code mnist.predictions.shadow}): key = the image event's key
 *       bytes, value = {@code Prediction}, read as raw bytes and decoded in {@link InputDecoder};
 *   <li>reads {@code topics.labels} ({@code mnist.labels}): key = event id (UTF-8), value = {@code
 *       LabelEvent}, raw bytes decoded in {@link InputDecoder};
 *   <li>writes {@code topics.dead-letters} ({@code mnist.dead-letters}): key = the original key
 *       bytes, value = {@code DeadLetter} (undecodable or invalid predictions and labels);
 *   <li>writes and reads {@code <application.id>-}{@value #BY_EVENT}{@code -repartition}: key =
 *       event id (UTF-8), value = the prediction or label (one tag byte, then the contract's
 *       encoding; private to this app), so an event's predictions and labels meet in one task
 *       whatever the keys and partitions of the topics they came from;
 *   <li>writes and reads {@code <application.id>-}{@value #BY_REPORT}{@code -repartition}: key =
 *       report key (UTF-8), value = a {@link ReportDelta} (JSON, private), so the changes that
 *       events of every partition make to one report meet in one task;
 *   <li>writes {@code topics.quality} ({@code mnist.quality}): key = {@code
 *       <model>/<version>/<route>/<window>} (UTF-8), value = {@code QualityReport};
 *   <li>writes the changelogs of the stores {@value #EVENTS_STORE} (event id to its predictions and
 *       labels, JSON, private) and {@value #EXPIRY_STORE} (the events by expiry time), both by
 *       event, and {@value #REPORTS_STORE} (report key to {@code QualityReport}), by report.
 * </ul>
 */
public final class QualityTopology {
  public static final String BY_EVENT = "quality-by-event";
  public static final String BY_REPORT = "quality-by-report";
  public static final String EVENTS_STORE = "quality-events";
  public static final String REPORTS_STORE = "quality-reports";
  public static final String EXPIRY_STORE = "quality-expiry";
  public static final String PENDING_STORE = "quality-pending";

  private QualityTopology() {}

  public static Topology build(
      TopicNames topics, QualitySettings settings, Clock clock, QualityMetrics metrics) {
    return build(topics, settings, clock, metrics, ValueCodecs.of(ValueFormats.SINGLE_OBJECT));
  }

  /** As above; predictions and labels are read in either value format that {@code codecs} read. */
  public static Topology build(
      TopicNames topics,
      QualitySettings settings,
      Clock clock,
      QualityMetrics metrics,
      ValueCodecs codecs) {
    InputDecoder.Contracts contracts = InputDecoder.Contracts.of(codecs, topics);
    Serde<byte[]> bytes = Serdes.ByteArray();
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(store(EVENTS_STORE, eventStateSerde()));
    builder.addStateStore(store(REPORTS_STORE, ContractSerdes.qualityReport()));
    builder.addStateStore(store(EXPIRY_STORE, bytes));
    // deltas waiting for the next publication: small and short-lived, so in memory (restored from
    // its changelog after a restart) and cached (a delta applied within a commit interval never
    // reaches the changelog as more than its tombstone)
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PENDING_STORE),
                Serdes.String(),
                JsonCodec.serde(ReportProcessor.PendingDelta.class))
            .withLoggingEnabled(Map.of())
            .withCachingEnabled());

    KStream<byte[], SpecificRecord> predictions =
        builder.stream(
                List.of(topics.predictions(), topics.shadowPredictions()),
                Consumed.with(bytes, bytes).withName("predictions-source"))
            .process(
                () -> new InputDecoder(InputDecoder.Kind.PREDICTION, clock, metrics, contracts),
                Named.as("decode-predictions"));
    KStream<byte[], SpecificRecord> labels =
        builder.stream(topics.labels(), Consumed.with(bytes, bytes).withName("labels-source"))
            .process(
                () -> new InputDecoder(InputDecoder.Kind.LABEL, clock, metrics, contracts),
                Named.as("decode-labels"));
    Map<String, KStream<byte[], SpecificRecord>> branches =
        predictions
            .merge(labels, Named.as("inputs"))
            .split(Named.as("inputs-"))
            .branch((k, v) -> v instanceof DeadLetter, Branched.as("bad"))
            .defaultBranch(Branched.as("good"));
    branches
        .get("inputs-bad")
        .mapValues(v -> (DeadLetter) v, Named.as("dead-letter"))
        .to(
            topics.deadLetters(),
            Produced.with(bytes, ContractSerdes.deadLetter()).withName("dead-letters"));
    branches
        .get("inputs-good")
        .repartition(Repartitioned.with(bytes, QualityInputs.serde()).withName(BY_EVENT))
        .process(
            () -> new EventProcessor(settings, metrics),
            Named.as("events"),
            EVENTS_STORE,
            EXPIRY_STORE)
        .repartition(Repartitioned.with(Serdes.String(), deltaSerde()).withName(BY_REPORT))
        .process(
            () -> new ReportProcessor(metrics, settings.publishInterval()),
            Named.as("reports"),
            REPORTS_STORE,
            PENDING_STORE)
        .to(
            topics.quality(),
            Produced.with(Serdes.String(), ContractSerdes.qualityReport()).withName("quality"));
    return builder.build();
  }

  /** Persistent and logged (the state outlives the lateness window, a day by default); uncached. */
  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(name), Serdes.String(), values)
        .withLoggingEnabled(Map.of())
        .withCachingDisabled();
  }

  /** The events store's values: JSON (Jackson), a private format of this app. */
  static Serde<EventState> eventStateSerde() {
    return JsonCodec.serde(EventState.class);
  }

  /** The deltas' repartition topic values: JSON (Jackson), a private format of this app. */
  static Serde<ReportDelta> deltaSerde() {
    return JsonCodec.serde(ReportDelta.class);
  }
}
