package org.mniststream.app.quality;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KeyValue;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.TopicReader;

/**
 * The quality figures recomputed offline from the predictions and labels: the {@link QualityEngine}
 * of the quality topology, on maps instead of Kafka Streams stores. The reports depend on the set
 * of predictions and labels, not on their order (see {@link Outcome}), so the latest report per key
 * equals what the quality topic holds; the one exception is a label more than twice the lateness
 * after its prediction, told late or unmatched depending on when it came.
 */
public final class QualityRecompute {
  private QualityRecompute() {}

  /**
   * Every report the engine publishes for {@code inputs} (predictions and labels, in this order),
   * in publication order: the same sequence the topology forwards for the same input sequence.
   */
  public static List<KeyValue<String, QualityReport>> replay(
      QualitySettings settings, List<? extends SpecificRecord> inputs) {
    QualityEngine engine =
        new QualityEngine(settings, QualityStore.inMemory(), QualityMetrics.discarding());
    Map<String, QualityReport> reports = new TreeMap<>();
    ReportAggregator aggregator = new ReportAggregator(reports::get, reports::put);
    List<KeyValue<String, QualityReport>> out = new ArrayList<>();
    for (SpecificRecord input : inputs) {
      List<ReportDelta> deltas;
      if (input instanceof Prediction p) {
        deltas = engine.onPrediction(p);
      } else if (input instanceof LabelEvent l) {
        deltas = engine.onLabel(l);
      } else {
        throw new IllegalArgumentException("not a prediction or label: " + input);
      }
      for (ReportDelta delta : deltas) {
        String key = delta.key().key();
        out.add(KeyValue.pair(key, aggregator.apply(key, delta)));
      }
    }
    return out;
  }

  /** The latest report per key, as a compacted quality topic holds them, sorted by key. */
  public static Map<String, QualityReport> latest(List<KeyValue<String, QualityReport>> reports) {
    Map<String, QualityReport> latest = new TreeMap<>();
    reports.forEach(kv -> latest.put(kv.key, kv.value));
    return latest;
  }

  /**
   * Reads the predictions, shadow predictions and labels topics to their ends and recomputes the
   * latest report per key; records that do not decode are skipped, as the topology dead-letters
   * them.
   */
  public static Map<String, QualityReport> fromTopics(
      Properties consumerConfig, TopicNames topics, QualitySettings settings, Duration timeout)
      throws java.util.concurrent.TimeoutException {
    List<SpecificRecord> inputs = new ArrayList<>();
    InputDecoder.Contracts contracts = InputDecoder.Contracts.create();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
      for (ConsumerRecord<byte[], byte[]> r :
          TopicReader.readAll(
              consumer,
              List.of(topics.predictions(), topics.shadowPredictions(), topics.labels()),
              timeout)) {
        InputDecoder.Decoded decoded =
            InputDecoder.decode(
                r.topic().equals(topics.labels())
                    ? InputDecoder.Kind.LABEL
                    : InputDecoder.Kind.PREDICTION,
                r.value(),
                contracts);
        if (decoded.value() != null) { // else dead-lettered by the topology: in no figure
          inputs.add(decoded.value());
        }
      }
    }
    return latest(replay(settings, inputs));
  }
}
