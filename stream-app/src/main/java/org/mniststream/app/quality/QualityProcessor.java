package org.mniststream.app.quality;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.QualityReport;

/**
 * Runs the {@link QualityEngine} on the task's stores and publishes the reports it changed, with
 * the timestamp of the record that changed them. Under exactly-once, the store writes, the reports
 * and the consumed offset commit together: a label is counted once, even across a crash.
 */
final class QualityProcessor implements Processor<byte[], SpecificRecord, String, QualityReport> {
  private final QualitySettings settings;
  private final QualityMetrics metrics;
  private ProcessorContext<String, QualityReport> context;
  private QualityEngine engine;

  QualityProcessor(QualitySettings settings, QualityMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, QualityReport> context) {
    this.context = context;
    KeyValueStore<String, EventState> events = context.getStateStore(QualityTopology.EVENTS_STORE);
    KeyValueStore<String, QualityReport> reports =
        context.getStateStore(QualityTopology.REPORTS_STORE);
    KeyValueStore<String, byte[]> expiries = context.getStateStore(QualityTopology.EXPIRY_STORE);
    this.engine = new QualityEngine(settings, new Stores(events, reports, expiries), metrics);
  }

  @Override
  public void process(Record<byte[], SpecificRecord> record) {
    List<KeyValue<String, QualityReport>> out;
    if (record.value() instanceof Prediction p) {
      out = engine.onPrediction(p);
    } else if (record.value() instanceof LabelEvent l) {
      out = engine.onLabel(l);
    } else {
      throw new IllegalStateException("not a quality input: " + record.value());
    }
    for (KeyValue<String, QualityReport> report : out) {
      context.forward(record.withKey(report.key).withValue(report.value));
    }
    metrics.reportsPublished(out.size());
  }

  private record Stores(
      KeyValueStore<String, EventState> events,
      KeyValueStore<String, QualityReport> reports,
      KeyValueStore<String, byte[]> expiries)
      implements QualityStore {
    private static final byte[] PRESENT = {1};

    @Override
    public EventState event(String eventId) {
      return events.get(eventId);
    }

    @Override
    public void putEvent(String eventId, EventState state) {
      events.put(eventId, state);
    }

    @Override
    public void deleteEvent(String eventId) {
      events.delete(eventId);
    }

    @Override
    public QualityReport report(String key) {
      return reports.get(key);
    }

    @Override
    public void putReport(String key, QualityReport report) {
      reports.put(key, report);
    }

    @Override
    public void putExpiry(String indexKey) {
      expiries.put(indexKey, PRESENT);
    }

    @Override
    public void deleteExpiry(String indexKey) {
      expiries.delete(indexKey);
    }

    @Override
    public List<String> expiriesUpTo(String lastIncluded) {
      List<String> keys = new ArrayList<>();
      try (KeyValueIterator<String, byte[]> it = expiries.range(null, lastIncluded)) {
        it.forEachRemaining(kv -> keys.add(kv.key));
      }
      return keys;
    }
  }
}
