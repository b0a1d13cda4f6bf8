package org.mniststream.schemas.framing;

/** The registry has no schema with this id (HTTP 404). */
public final class UnknownSchemaIdException extends SchemaRegistryException {
  private final int id;

  public UnknownSchemaIdException(int id, String message) {
    super(404, message);
    this.id = id;
  }

  public int id() {
    return id;
  }
}
