package org.mniststream.app.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A validated image event waiting in the batch buffer: everything its prediction needs, with the
 * image already brought to the 28x28 gray8 every servable input contract has. It is small (about
 * 900 bytes whatever the size of the original image), so the changelog of the pending store costs
 * little, and it cannot exceed a record size limit that the original event fitted.
 *
 * @param key the original record key bytes (never null: keyless events are dead-lettered)
 * @param receivedAtMicros wall-clock time the processor received the event, microseconds since the
 *     epoch; the prediction's latency is measured from here, across restarts too
 * @param timestamp the input record's timestamp, reused for the prediction record
 * @param label the event's ground truth, or -1 when it had none
 * @param pixels 28x28 gray8 pixels, row-major, MNIST polarity, before normalization
 */
public record PendingEvent(
    byte[] key,
    String eventId,
    long eventTime,
    int label,
    long receivedAtMicros,
    long timestamp,
    String sourceTopic,
    int partition,
    long offset,
    byte[] pixels) {

  private static final byte FORMAT = 1;

  /** The format byte, four lengths (key, event id, topic, pixels), four longs and two ints. */
  private static final int FIXED_BYTES = 1 + 4 * Integer.BYTES + 4 * Long.BYTES + 2 * Integer.BYTES;

  public Integer labelOrNull() {
    return label < 0 ? null : label;
  }

  /** The serde of the pending store's values (a private format: the store is this app's alone). */
  public static Serde<PendingEvent> serde() {
    return new Serde<>() {
      @Override
      public Serializer<PendingEvent> serializer() {
        return (topic, event) -> event == null ? null : event.toBytes();
      }

      @Override
      public Deserializer<PendingEvent> deserializer() {
        return (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
      }
    };
  }

  /**
   * One exactly sized array, written in place: this runs for every event on the stream thread, so
   * it avoids a growing stream and the copy out of it. The layout is that of {@code
   * DataOutputStream} (big-endian, each byte string after its int length), so stores written by
   * earlier versions still restore.
   */
  byte[] toBytes() {
    byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
    byte[] topic = sourceTopic.getBytes(StandardCharsets.UTF_8);
    int size = FIXED_BYTES + key.length + id.length + topic.length + pixels.length;
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(FORMAT);
    putBytes(out, key);
    putBytes(out, id);
    out.putLong(eventTime);
    out.putInt(label);
    out.putLong(receivedAtMicros);
    out.putLong(timestamp);
    putBytes(out, topic);
    out.putInt(partition);
    out.putLong(offset);
    putBytes(out, pixels);
    return out.array();
  }

  static PendingEvent fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      byte format = in.get();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown pending-event format " + format);
      }
      return new PendingEvent(
          getBytes(in),
          getString(in),
          in.getLong(),
          in.getInt(),
          in.getLong(),
          in.getLong(),
          getString(in),
          in.getInt(),
          in.getLong(),
          getBytes(in));
    } catch (BufferUnderflowException e) {
      throw new UncheckedIOException(
          "corrupt pending event", new IOException("truncated or bad length", e));
    }
  }

  private static void putBytes(ByteBuffer out, byte[] b) {
    out.putInt(b.length);
    out.put(b);
  }

  private static byte[] getBytes(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new BufferUnderflowException();
    }
    byte[] b = new byte[length];
    in.get(b);
    return b;
  }

  private static String getString(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || length > in.remaining()) {
      throw new BufferUnderflowException();
    }
    String s = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return s;
  }
}
