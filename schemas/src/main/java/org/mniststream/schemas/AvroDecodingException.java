package org.mniststream.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that could not be decoded into a contract type. Carries the {@link DeadLetterReason} that a
 * dead-letter record for these bytes must name, so no caller has to guess from a message string.
 */
public final class AvroDecodingException extends SerializationException {
  private final DeadLetterReason reason;

  public AvroDecodingException(DeadLetterReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public DeadLetterReason reason() {
    return reason;
  }
}
