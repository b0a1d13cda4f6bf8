package org.mniststream.schemas;

import java.nio.ByteBuffer;

/** Avro {@code bytes} fields arrive as {@link ByteBuffer}s; the product works with arrays. */
public final class AvroBytes {
  private AvroBytes() {}

  /** A copy of the buffer's remaining bytes; the buffer's position is left as it was. */
  public static byte[] copyOf(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
