package org.mniststream.app.topology;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;

/** The product's dead letters: where the record was, why it was refused, and its bytes as sent. */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * A dead letter for the record at {@code topic}-{@code partition}@{@code offset}; the original
   * key and value ride along unchanged (either may be null).
   */
  public static DeadLetter of(
      String topic,
      int partition,
      long offset,
      String eventId,
      DeadLetterReason reason,
      String message,
      byte[] key,
      byte[] value,
      Instant failedAt) {
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setPartition(partition)
        .setOffset(offset)
        .setEventId(eventId)
        .setReason(reason)
        .setMessage(message)
        .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
        .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
        .setFailedAt(failedAt)
        .build();
  }
}
