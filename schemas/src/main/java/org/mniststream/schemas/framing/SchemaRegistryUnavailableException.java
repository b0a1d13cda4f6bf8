package org.mniststream.schemas.framing;

/**
 * The registry did not answer (connection refused, timeout, 5xx) after every retry. Not a property
 * of the record: a reader must not dead-letter the record for it, but fail so that it is read again
 * (the stream app's task aborts its transaction and the event is processed again).
 */
public final class SchemaRegistryUnavailableException extends RuntimeException {
  public SchemaRegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
