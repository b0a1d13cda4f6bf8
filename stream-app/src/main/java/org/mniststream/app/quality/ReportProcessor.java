package org.mniststream.app.quality;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.mniststream.schemas.QualityReport;

/**
 * Where a report is kept (input partitioned by report key): applies the {@link ReportDelta}s with
 * the {@link ReportAggregator} and publishes the new reports.
 *
 * <p>With {@code quality.publish-interval-ms} > 0 (the default), deltas are not applied one by one:
 * each is written to the logged {@value QualityTopology#PENDING_STORE} store (a few hundred bytes,
 * in the same transaction as its consumed offset), and a wall-clock punctuator applies every
 * pending delta of a report at once, builds the report once, stores it, publishes it, and deletes
 * the pending deltas, again in one transaction. A report updated by a hundred labels in an interval
 * is built, stored and published once instead of a hundred times, and a crash between two
 * punctuations loses nothing: the restored pending store holds the deltas, and the next punctuation
 * applies them. The latest report per key is the same as with an interval of 0 (every delta
 * published), which is what the offline recomputation gives.
 */
final class ReportProcessor implements Processor<String, ReportDelta, String, QualityReport> {
  private final QualityMetrics metrics;
  private final Duration publishInterval;
  private ProcessorContext<String, QualityReport> context;
  private ReportAggregator aggregator;
  private KeyValueStore<String, PendingDelta> pending;

  ReportProcessor(QualityMetrics metrics, Duration publishInterval) {
    this.metrics = metrics;
    this.publishInterval = publishInterval;
  }

  @Override
  public void init(ProcessorContext<String, QualityReport> context) {
    this.context = context;
    KeyValueStore<String, QualityReport> reports =
        context.getStateStore(QualityTopology.REPORTS_STORE);
    this.aggregator = new ReportAggregator(reports::get, reports::put);
    this.pending = context.getStateStore(QualityTopology.PENDING_STORE);
    if (!publishInterval.isZero()) {
      context.schedule(publishInterval, PunctuationType.WALL_CLOCK_TIME, now -> publishPending());
    }
  }

  @Override
  public void process(Record<String, ReportDelta> record) {
    if (publishInterval.isZero()) {
      context.forward(record.withValue(aggregator.apply(record.key(), record.value())));
      metrics.reportsPublished(1);
      return;
    }
    // the delta's own position makes a unique key that sorts by report, then in arrival order
    RecordMetadata at = context.recordMetadata().orElseThrow();
    String key =
        record.key()
            + '\u0000'
            + padded(Math.max(0, at.partition()), 5)
            + padded(Math.max(0, at.offset()), 19);
    pending.put(key, new PendingDelta(record.value(), record.timestamp()));
  }

  /** Applies and publishes every pending delta, one report at a time. */
  private void publishPending() {
    List<KeyValue<String, PendingDelta>> all = new ArrayList<>();
    try (KeyValueIterator<String, PendingDelta> it = pending.all()) {
      it.forEachRemaining(all::add);
    }
    int published = 0;
    int i = 0;
    while (i < all.size()) {
      String reportKey = reportKey(all.get(i).key);
      List<ReportDelta> deltas = new ArrayList<>();
      long timestamp = Long.MIN_VALUE;
      int j = i;
      while (j < all.size() && reportKey(all.get(j).key).equals(reportKey)) {
        deltas.add(all.get(j).value.delta());
        timestamp = Math.max(timestamp, all.get(j).value.timestamp());
        pending.delete(all.get(j).key);
        j++;
      }
      context.forward(new Record<>(reportKey, aggregator.applyAll(reportKey, deltas), timestamp));
      published++;
      i = j;
    }
    metrics.reportsPublished(published);
  }

  /** {@code n} in {@code width} digits, zero-padded (not String.format: a delta at a time). */
  private static String padded(long n, int width) {
    String digits = Long.toString(n);
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }

  private static String reportKey(String pendingKey) {
    return pendingKey.substring(0, pendingKey.indexOf('\u0000'));
  }

  /** A delta waiting for the next publication, with the timestamp of the record that made it. */
  record PendingDelta(ReportDelta delta, long timestamp) {}
}
