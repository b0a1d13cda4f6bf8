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

  /**
   * The buffer's bytes as an array without a copy when the buffer is exactly its whole backing
   * array (what Avro's decoders make for a {@code bytes} field of a freshly decoded record), else a
   * copy as {@link #copyOf}. The result may therefore share memory with the buffer: for callers
   * that modify neither.
   */
  public static byte[] arrayOf(ByteBuffer buffer) {
    if (buffer.hasArray()
        && buffer.arrayOffset() == 0
        && buffer.position() == 0
        && buffer.limit() == buffer.array().length) {
      return buffer.array();
    }
    return copyOf(buffer);
  }
}
