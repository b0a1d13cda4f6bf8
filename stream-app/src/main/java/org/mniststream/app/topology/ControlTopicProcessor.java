package org.mniststream.app.topology;

import java.util.function.UnaryOperator;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The global processor of a control topic (models, rollouts or trusted keys): hands every record to
 * the model registry and keeps a compact local copy in its global store. Every instance runs it
 * over the whole topic. Kafka Streams 4.1 also runs it over the records it restores at startup
 * (global stores added with {@code Topology.addGlobalStore} reprocess on restore); the registry
 * ignores what it already knows, so records seen by the startup bootstrap as well do no harm.
 */
final class ControlTopicProcessor implements Processor<byte[], byte[], Void, Void> {
  private final String storeName;
  private final UnaryOperator<byte[]> storedForm;
  private final Sink sink;
  private KeyValueStore<byte[], byte[]> store;

  /**
   * @param storedForm what the store keeps of a value (a digest for the ~1 MB model records)
   * @param sink the registry callback
   */
  ControlTopicProcessor(String storeName, UnaryOperator<byte[]> storedForm, Sink sink) {
    this.storeName = storeName;
    this.storedForm = storedForm;
    this.sink = sink;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    if (record.key() != null) {
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), storedForm.apply(record.value()));
      }
    }
    sink.accept(record.key(), record.value(), record.timestamp());
  }

  /** Where the records go: the registry, with their Kafka timestamps. */
  @FunctionalInterface
  interface Sink {
    void accept(byte[] key, byte[] value, long timestamp);
  }
}
