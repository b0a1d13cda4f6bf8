package org.mniststream.schemas.framing;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractDecoder;
import org.mniststream.schemas.DeadLetterReason;

/**
 * The serde of one contract type on one topic that reads both value formats and writes the one
 * configured for the topic.
 *
 * <p>Why the 5-byte framing is written here, over Avro's own classes, with the small {@link
 * SchemaRegistryClient}, rather than with a registry vendor's serdes: the Confluent serializer is
 * not served to this build, and the Apicurio serdes that are would put kafka-clients 2.8.1 and Avro
 * 1.11.1 (2.4.2.Final) or their own Kafka and Avro versions (3.1.7) next to the 4.1.1 and 1.12.1
 * the whole product pins; their 2.4.2 defaults also put the id in a header unless told otherwise.
 * The format itself is five bytes and three REST calls; owning them keeps one Avro, one Kafka
 * client, typed errors that map to dead-letter reasons, and the retry rule of the stream app.
 *
 * <p>Reading: {@code C3 01} is single-object, decoded by the type's {@link AvroSerde} (its
 * baselines); {@code 00} is Confluent: the writer schema comes from the registry by id (cached) and
 * is resolved against the current schema. An id the registry does not know is an {@link
 * AvroDecodingException} with {@link DeadLetterReason#UNKNOWN_SCHEMA_ID}; a registry that does not
 * answer is a {@link SchemaRegistryUnavailableException}, never a dead letter: the record is fine.
 * Anything else is the single-object decoder's error ({@code UNDECODABLE}).
 *
 * <p>Writing in Confluent framing registers the current schema under {@code <topic>-value} once
 * (then the id is cached). Thread-safe.
 */
public final class FramedSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T>, ContractDecoder<T> {

  private final AvroSerde<T> singleObject;
  private final String topic;
  private final ValueFormat format;
  private final Optional<SchemaResolver> registry;
  private final Schema current;
  private final SpecificData model;
  private final SpecificDatumWriter<T> writer;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  /**
   * @param registry required when {@code format} is {@link ValueFormat#CONFLUENT}; without one,
   *     Confluent-framed input is dead-lettered as {@code UNKNOWN_SCHEMA_ID}
   */
  public FramedSerde(
      AvroSerde<T> singleObject,
      String topic,
      ValueFormat format,
      Optional<SchemaResolver> registry) {
    if (format == ValueFormat.CONFLUENT && registry.isEmpty()) {
      throw new IllegalArgumentException(
          topic + ": the confluent value format needs " + ValueFormats.REGISTRY_URL);
    }
    this.singleObject = singleObject;
    this.topic = topic;
    this.format = format;
    this.registry = registry;
    this.current = singleObject.schema();
    this.model = SpecificData.getForClass(singleObject.type());
    this.writer = new SpecificDatumWriter<>(current, model);
  }

  /** The serde of {@code topic} as {@code formats} configure it. */
  public static <T extends SpecificRecord> FramedSerde<T> of(
      AvroSerde<T> singleObject,
      String topic,
      ValueFormats formats,
      Optional<SchemaResolver> registry) {
    return new FramedSerde<>(singleObject, topic, formats.formatOf(topic), registry);
  }

  public String topic() {
    return topic;
  }

  public ValueFormat format() {
    return format;
  }

  /** The registry subject of this topic's values. */
  public String subject() {
    return topic + "-value";
  }

  /** Encodes one record in this topic's format. */
  public byte[] encode(T value) {
    if (format == ValueFormat.SINGLE_OBJECT) {
      return singleObject.encode(value);
    }
    int id = registry.orElseThrow().register(subject(), current);
    return ConfluentFraming.frame(id, datum(value));
  }

  /** Decodes a record in either format, or throws as the class comment says. */
  @Override
  public T decode(byte[] bytes) {
    if (!ConfluentFraming.isConfluent(bytes)) {
      return singleObject.decode(bytes);
    }
    String name = singleObject.type().getSimpleName();
    if (bytes.length < ConfluentFraming.HEADER_LENGTH) {
      throw new AvroDecodingException(
          DeadLetterReason.UNDECODABLE,
          name + ": Confluent framing needs 5 header bytes, got " + bytes.length,
          null);
    }
    int id = ConfluentFraming.schemaId(bytes);
    SpecificDatumReader<T> reader = readers.get(id);
    if (reader == null) {
      reader = reader(id, name);
      readers.putIfAbsent(id, reader);
    }
    try {
      BinaryDecoder decoder =
          DecoderFactory.get()
              .binaryDecoder(
                  bytes,
                  ConfluentFraming.HEADER_LENGTH,
                  bytes.length - ConfluentFraming.HEADER_LENGTH,
                  null);
      return reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new AvroDecodingException(
          DeadLetterReason.UNDECODABLE,
          name
              + ": corrupt or truncated datum after Confluent header, schema id "
              + id
              + " ("
              + e
              + ")",
          e);
    }
  }

  private SpecificDatumReader<T> reader(int id, String name) {
    if (registry.isEmpty()) {
      throw new AvroDecodingException(
          DeadLetterReason.UNKNOWN_SCHEMA_ID,
          name
              + ": Confluent-framed value (schema id "
              + id
              + ") but no "
              + ValueFormats.REGISTRY_URL
              + " is configured to resolve it",
          null);
    }
    Schema writerSchema;
    try {
      writerSchema = registry.get().schemaById(id);
    } catch (UnknownSchemaIdException e) {
      throw new AvroDecodingException(
          DeadLetterReason.UNKNOWN_SCHEMA_ID,
          name + ": schema id " + id + " is unknown to the " + registry.get(),
          e);
    }
    if (!writerSchema.getFullName().equals(current.getFullName())) {
      throw new AvroDecodingException(
          DeadLetterReason.UNDECODABLE,
          name + ": schema id " + id + " is " + writerSchema.getFullName() + ", not " + name,
          null);
    }
    try {
      return new SpecificDatumReader<>(writerSchema, current, model);
    } catch (RuntimeException e) {
      throw new AvroDecodingException(
          DeadLetterReason.UNDECODABLE,
          name + ": schema id " + id + " cannot be read as the current " + name + ": " + e,
          e);
    }
  }

  private byte[] datum(T value) {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(value, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode " + singleObject.type().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return decode(data);
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // configured by its constructor
  }

  @Override
  public void close() {
    // the registry client is shared and holds nothing to release
  }
}
