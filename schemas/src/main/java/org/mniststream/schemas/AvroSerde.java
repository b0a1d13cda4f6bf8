package org.mniststream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one Avro contract type in Avro single-object encoding: a 10-byte header (marker
 * plus the writer schema's CRC-64 fingerprint) followed by the binary datum. The decoder knows the
 * current schema and every released baseline schema of the type, so it resolves data written by
 * older producers without a schema registry.
 *
 * <p>Decoding never returns a half-filled object: it returns a complete record or throws an {@link
 * AvroDecodingException} naming the reason. Instances are thread-safe (Avro's encoder and decoder
 * keep per-thread buffers).
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T>, ContractDecoder<T> {

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final Schema current;

  AvroSerde(Class<T> type, Schema current, List<Schema> olderWriterSchemas) {
    this.type = type;
    this.current = current;
    SpecificData model = SpecificData.getForClass(type);
    // no copy into a fresh ByteBuffer: encode() copies the thread's reused buffer into the one
    // array it returns, so each record costs one allocation instead of two
    this.encoder = new BinaryMessageEncoder<>(model, current, false);
    this.decoder = new BinaryMessageDecoder<>(model, current);
    olderWriterSchemas.forEach(decoder::addSchema);
  }

  /** Encodes one record; a record that does not satisfy its schema is a programming error. */
  public byte[] encode(T value) {
    try {
      ByteBuffer buffer = encoder.encode(value);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** The contract type. */
  public Class<T> type() {
    return type;
  }

  /** The current (writer) schema of the type. */
  public Schema schema() {
    return current;
  }

  /** Decodes one record or throws an {@link AvroDecodingException} with the reason. */
  @Override
  public T decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new AvroDecodingException(
          DeadLetterReason.EMPTY_VALUE, type.getSimpleName() + ": empty value", null);
    }
    try {
      return decoder.decode(bytes);
    } catch (MissingSchemaException e) {
      throw new AvroDecodingException(
          DeadLetterReason.UNKNOWN_SCHEMA,
          type.getSimpleName() + ": writer schema fingerprint is unknown: " + e.getMessage(),
          e);
    } catch (BadHeaderException e) {
      throw new AvroDecodingException(
          DeadLetterReason.UNDECODABLE,
          type.getSimpleName() + ": not Avro single-object encoding: " + e.getMessage(),
          e);
    } catch (IOException | RuntimeException e) {
      // Truncated or corrupt datum after a valid header: EOF, negative lengths, bad union index...
      throw new AvroDecodingException(
          DeadLetterReason.UNDECODABLE,
          type.getSimpleName() + ": corrupt or truncated datum (" + e + ")",
          e);
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
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    // nothing to configure: the schemas are compiled in
  }

  @Override
  public void close() {
    // stateless: nothing to release
  }

  static Optional<Schema> baselineSchema(String version, String typeName) {
    String resource = "baseline/" + version + "/" + typeName + ".avsc";
    try (InputStream in = AvroSerde.class.getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(new Schema.Parser().parse(in));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read baseline schema " + resource, e);
    }
  }
}
