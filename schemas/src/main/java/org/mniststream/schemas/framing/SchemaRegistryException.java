package org.mniststream.schemas.framing;

/** The registry answered, and said no: an incompatible schema (409), a refused request. */
public class SchemaRegistryException extends RuntimeException {
  private final int status;

  public SchemaRegistryException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status the registry answered with. */
  public int status() {
    return status;
  }
}
