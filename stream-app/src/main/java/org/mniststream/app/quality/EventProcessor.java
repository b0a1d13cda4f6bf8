package org.mniststream.app.quality;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;

/**
 * Where an event's predictions and labels meet (input partitioned by event id): runs the {@link
 * QualityEngine} on the task's stores and forwards the {@link ReportDelta}s it makes, keyed by
 * report key, with the timestamp of the record that made them. Under exactly-once the store writes,
 * the deltas and the consumed offset commit together: a label is counted once, even across a crash.
 */
final class EventProcessor implements Processor<byte[], SpecificRecord, String, ReportDelta> {
  private final QualitySettings settings;
  private final QualityMetrics metrics;
  private ProcessorContext<String, ReportDelta> context;
  private QualityEngine engine;

  EventProcessor(QualitySettings settings, QualityMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, ReportDelta> context) {
    this.context = context;
    KeyValueStore<String, EventState> events = context.getStateStore(QualityTopology.EVENTS_STORE);
    KeyValueStore<String, byte[]> expiries = context.getStateStore(QualityTopology.EXPIRY_STORE);
    this.engine = new QualityEngine(settings, new Stores(events, expiries), metrics);
  }

  @Override
  public void process(Record<byte[], SpecificRecord> record) {
    List<ReportDelta> deltas;
    if (record.value() instanceof Prediction p) {
      deltas = engine.onPrediction(p);
    } else if (record.value() instanceof LabelEvent l) {
      deltas = engine.onLabel(l);
    } else {
      throw new IllegalStateException("not a quality input: " + record.value());
    }
    // a record's deltas go to a few reports, each key written out once (String.format is costly)
    Map<ReportKey, String> keys = new HashMap<>();
    for (ReportDelta delta : deltas) {
      String key = keys.computeIfAbsent(delta.key(), ReportKey::key);
      context.forward(record.withKey(key).withValue(delta));
    }
  }

  private record Stores(
      KeyValueStore<String, EventState> events, KeyValueStore<String, byte[]> expiries)
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

    @Override
    public String firstExpiry() {
      try (KeyValueIterator<String, byte[]> it = expiries.all()) {
        return it.hasNext() ? it.next().key : null;
      }
    }
  }
}
