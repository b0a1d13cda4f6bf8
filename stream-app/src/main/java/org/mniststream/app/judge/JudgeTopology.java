package org.mniststream.app.judge;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.mniststream.app.topology.DeadLetters;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout judge's topology: one processor reads the quality topic and the rollouts topic (one
 * partition each, so one task: a single judge whatever the number of instances, and exactly-once
 * fencing keeps a zombie from deciding), runs the {@link JudgeEngine} on its changelogged store and
 * writes each decision to the decisions topic and its rollout to the rollouts topic, in the same
 * transaction as the store update and the consumed offsets: a crash neither loses nor doubles one.
 *
 * <p>Undecodable inputs are dead-lettered with their reason; a tombstone on the quality topic (a
 * report compacted away) is ignored.
 */
public final class JudgeTopology {
  static final String STORE = "judge-state";
  static final String QUALITY_SOURCE = "quality-source";
  static final String ROLLOUTS_SOURCE = "rollouts-source";
  static final String ROLLOUTS_SINK = "rollouts-sink";
  static final String DECISIONS_SINK = "decisions-sink";
  static final String DEAD_LETTERS_SINK = "dead-letters-sink";

  private JudgeTopology() {}

  public static Topology build(TopicNames topics, Clock clock, JudgeMetrics metrics) {
    Topology t = new Topology();
    ByteArrayDeserializer in = new ByteArrayDeserializer();
    ByteArraySerializer out = new ByteArraySerializer();
    t.addSource(QUALITY_SOURCE, in, in, topics.quality());
    t.addSource(ROLLOUTS_SOURCE, in, in, topics.rollouts());
    t.addProcessor(
        "judge", () -> new JudgeProcessor(topics, clock, metrics), QUALITY_SOURCE, ROLLOUTS_SOURCE);
    t.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE),
                Serdes.String(),
                JsonCodec.serde(JudgeState.class))
            .withLoggingEnabled(Map.of())
            .withCachingDisabled(),
        "judge");
    t.addSink(ROLLOUTS_SINK, topics.rollouts(), out, out, "judge");
    t.addSink(DECISIONS_SINK, topics.decisions(), out, out, "judge");
    t.addSink(DEAD_LETTERS_SINK, topics.deadLetters(), out, out, "judge");
    return t;
  }

  private static final class JudgeProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(JudgeProcessor.class);
    private static final AvroSerde<QualityReport> QUALITY = ContractSerdes.qualityReport();
    private static final AvroSerde<ModelRollout> ROLLOUTS = ContractSerdes.modelRollout();
    private static final AvroSerde<JudgeDecision> DECISIONS = ContractSerdes.judgeDecision();
    private static final AvroSerde<DeadLetter> DEAD_LETTERS = ContractSerdes.deadLetter();
    private final TopicNames topics;
    private final Clock clock;
    private final JudgeMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;
    private JudgeEngine engine;

    JudgeProcessor(TopicNames topics, Clock clock, JudgeMetrics metrics) {
      this.topics = topics;
      this.clock = clock;
      this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.context = context;
      KeyValueStore<String, JudgeState> store = context.getStateStore(STORE);
      this.engine = new JudgeEngine(JudgeEngine.Store.of(store::get, store::put));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      RecordMetadata source = context.recordMetadata().orElseThrow();
      boolean quality = source.topic().equals(topics.quality());
      try {
        if (quality) {
          if (record.value() == null) {
            return; // a compaction tombstone: nothing to judge
          }
          QualityReport report = QUALITY.decode(record.value());
          engine.onQuality(report, record.timestamp()).ifPresent(o -> publish(o, record));
        } else {
          if (record.key() == null) {
            deadLetter(record, source, DeadLetterReason.MISSING_KEY, "rollout without a key");
            return;
          }
          String model = new String(record.key(), StandardCharsets.UTF_8);
          ModelRollout rollout = record.value() == null ? null : ROLLOUTS.decode(record.value());
          engine.onRollout(model, rollout);
        }
      } catch (AvroDecodingException e) {
        deadLetter(record, source, e.reason(), e.getMessage());
      }
    }

    private void publish(JudgeEngine.Outcome o, Record<byte[], byte[]> trigger) {
      byte[] key = o.decision().getModelName().getBytes(StandardCharsets.UTF_8);
      long at = o.decision().getDecidedAt().toEpochMilli();
      context.forward(new Record<>(key, DECISIONS.encode(o.decision()), at), DECISIONS_SINK);
      context.forward(new Record<>(key, ROLLOUTS.encode(o.rollout()), at), ROLLOUTS_SINK);
      metrics.decision(o.decision().getAction(), o.decision().getRule());
      LOG.info("Judge: {}", o.decision().getReason());
    }

    private void deadLetter(
        Record<byte[], byte[]> record,
        RecordMetadata source,
        DeadLetterReason reason,
        String message) {
      metrics.invalid(reason);
      LOG.warn(
          "Judge: {}-{}@{} unreadable ({}): {}",
          source.topic(),
          source.partition(),
          source.offset(),
          reason,
          message);
      context.forward(
          record.withValue(
              DEAD_LETTERS.encode(
                  DeadLetters.of(
                      source.topic(),
                      source.partition(),
                      source.offset(),
                      null,
                      reason,
                      message,
                      record.key(),
                      record.value(),
                      clock.instant()))),
          DEAD_LETTERS_SINK);
    }
  }
}
