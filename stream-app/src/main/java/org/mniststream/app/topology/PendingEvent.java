package org.mniststream.app.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

  byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + key.length + pixels.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      writeBytes(out, key);
      writeBytes(out, eventId.getBytes(StandardCharsets.UTF_8));
      out.writeLong(eventTime);
      out.writeInt(label);
      out.writeLong(receivedAtMicros);
      out.writeLong(timestamp);
      writeBytes(out, sourceTopic.getBytes(StandardCharsets.UTF_8));
      out.writeInt(partition);
      out.writeLong(offset);
      writeBytes(out, pixels);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static PendingEvent fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown pending-event format " + format);
      }
      return new PendingEvent(
          readBytes(in),
          new String(readBytes(in), StandardCharsets.UTF_8),
          in.readLong(),
          in.readInt(),
          in.readLong(),
          in.readLong(),
          new String(readBytes(in), StandardCharsets.UTF_8),
          in.readInt(),
          in.readLong(),
          readBytes(in));
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt pending event", e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }
}
