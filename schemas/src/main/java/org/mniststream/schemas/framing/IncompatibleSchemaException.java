package org.mniststream.schemas.framing;

/** The registry refused a schema under the subject's compatibility rule (HTTP 409). */
public final class IncompatibleSchemaException extends SchemaRegistryException {
  public IncompatibleSchemaException(String message) {
    super(409, message);
  }
}
