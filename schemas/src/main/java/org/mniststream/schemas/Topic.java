package org.mniststream.schemas;

import org.apache.kafka.common.serialization.Serde;

/** A topic as a typed value: its name and the serdes of its keys and values. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {}
