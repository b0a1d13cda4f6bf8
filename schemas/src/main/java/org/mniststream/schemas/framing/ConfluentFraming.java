package org.mniststream.schemas.framing;

import java.nio.ByteBuffer;

/**
 * Confluent's wire format of a value: magic byte {@code 0x00}, the schema's registry id as 4 bytes
 * big-endian, then the Avro binary datum. Avro single-object encoding starts with {@code 0xC3 0x01}
 * instead, so the first byte tells the two apart.
 */
public final class ConfluentFraming {
  public static final byte MAGIC = 0x00;
  public static final int HEADER_LENGTH = 5;

  private ConfluentFraming() {}

  /** Whether the value starts like Confluent framing (magic byte 0). */
  public static boolean isConfluent(byte[] value) {
    return value != null && value.length > 0 && value[0] == MAGIC;
  }

  /** Whether the value starts like Avro single-object encoding ({@code C3 01}). */
  public static boolean isSingleObject(byte[] value) {
    return value != null && value.length >= 2 && value[0] == (byte) 0xC3 && value[1] == 0x01;
  }

  /** The 5-byte header and the datum, in one array. */
  public static byte[] frame(int schemaId, byte[] datum) {
    return ByteBuffer.allocate(HEADER_LENGTH + datum.length)
        .put(MAGIC)
        .putInt(schemaId)
        .put(datum)
        .array();
  }

  /** The schema id of a value that {@link #isConfluent} and has the full header. */
  public static int schemaId(byte[] value) {
    if (value.length < HEADER_LENGTH) {
      throw new IllegalArgumentException(
          "Confluent framing needs " + HEADER_LENGTH + " header bytes, got " + value.length);
    }
    return ByteBuffer.wrap(value, 1, 4).getInt();
  }
}
