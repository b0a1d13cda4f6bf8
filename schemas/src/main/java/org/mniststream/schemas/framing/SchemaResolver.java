package org.mniststream.schemas.framing;

import org.apache.avro.Schema;

/**
 * What Confluent framing needs of a registry: the id of a schema under a subject (registering it
 * when new) and the schema of an id. {@link SchemaRegistryClient} is the real one; the framing's
 * unit tests use a map.
 */
public interface SchemaResolver {
  /**
   * The id of {@code schema} under {@code subject}, registered when new.
   *
   * @throws IncompatibleSchemaException when the subject's compatibility rule refuses it
   */
  int register(String subject, Schema schema);

  /**
   * The schema with this id.
   *
   * @throws UnknownSchemaIdException when there is none
   */
  Schema schemaById(int id);
}
