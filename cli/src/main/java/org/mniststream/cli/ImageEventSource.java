package org.mniststream.cli;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;
import org.mniststream.trainer.data.IdxDataset;

/**
 * Streams the images of an IDX dataset as {@code ImageEvent}s (raw 8-bit grayscale, with their
 * ground-truth label) at a fixed rate or flat out. The event time is the moment of sending, so a
 * consumer of predictions measures end-to-end latency as arrival minus event time.
 */
final class ImageEventSource implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final Function<ImageEvent, byte[]> serde;
  private final String topic;
  private final String source;
  private final AtomicLong failed = new AtomicLong();

  ImageEventSource(Properties clientProps, String topic, String source) {
    this(clientProps, topic, source, ValueCodecs.of(ValueFormats.SINGLE_OBJECT));
  }

  /** Events in the value format {@code codecs} configure for {@code topic}. */
  ImageEventSource(Properties clientProps, String topic, String source, ValueCodecs codecs) {
    this.serde = codecs.serde(topic, ContractSerdes.imageEvent())::encode;
    Properties props = new Properties();
    props.putAll(clientProps);
    props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "2");
    this.producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer());
    this.topic = topic;
    this.source = source;
  }

  static String eventId(String runId, long sequence) {
    return runId + "-" + String.format("%08d", sequence);
  }

  /**
   * Sends {@code count} events cycling through the dataset, {@code ratePerSecond} a second (0 = as
   * fast as the producer accepts them); stops early when {@code stop} says so. Returns the number
   * sent.
   */
  long send(
      IdxDataset images,
      String runId,
      long count,
      double ratePerSecond,
      BooleanSupplier stop,
      java.util.function.LongConsumer afterEach) {
    long intervalNanos =
        ratePerSecond > 0 ? (long) (TimeUnit.SECONDS.toNanos(1) / ratePerSecond) : 0;
    long start = System.nanoTime();
    long sent = 0;
    while (sent < count && !stop.getAsBoolean()) {
      if (intervalNanos > 0) {
        long due = start + sent * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      int index = (int) (sent % images.count());
      String id = eventId(runId, sent);
      producer.send(
          new ProducerRecord<>(topic, id, serde.apply(event(images, index, id))), this::onAck);
      sent++;
      afterEach.accept(sent);
    }
    producer.flush();
    return sent;
  }

  private void onAck(RecordMetadata metadata, Exception e) {
    if (e != null && failed.getAndIncrement() == 0) {
      System.err.println("An image event could not be sent (counted, not retried): " + e);
    }
  }

  /** Sends the producer gave up on (delivery timeout, fatal error): those events do not exist. */
  long failed() {
    return failed.get();
  }

  private ImageEvent event(IdxDataset images, int index, String id) {
    return ImageEvent.newBuilder()
        .setEventId(id)
        .setSource(source)
        .setEventTime(Instant.now())
        .setHeight(images.rows())
        .setWidth(images.cols())
        .setEncoding(PixelEncoding.RAW_GRAY8)
        .setPixels(ByteBuffer.wrap(images.pixelsOf(index)))
        .setLabel(images.label(index))
        .setAttributes(Map.of("index", Integer.toString(index)))
        .build();
  }

  /** Sends raw bytes as they are (malformed events for robustness runs); key may be null. */
  void sendRaw(byte[] key, byte[] value) {
    String k = key == null ? null : new String(key, java.nio.charset.StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<>(topic, k, value), this::onAck);
  }

  /** Sends image {@code index} of the dataset as event {@code id}. */
  void sendOne(IdxDataset images, int index, String id) {
    producer.send(
        new ProducerRecord<>(topic, id, serde.apply(event(images, index, id))), this::onAck);
  }

  /**
   * Sends image {@code index} as event {@code id} without its label, as an upstream system that
   * learns the truth only later does (the label, if any, goes to the labels topic).
   */
  void sendUnlabelled(IdxDataset images, int index, String id) {
    ImageEvent event = event(images, index, id);
    event.setLabel(null);
    producer.send(new ProducerRecord<>(topic, id, serde.apply(event)), this::onAck);
  }

  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
