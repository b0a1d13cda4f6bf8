package org.mniststream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.IncompatibleSchemaException;
import org.mniststream.schemas.framing.SchemaRegistryClient;
import org.mniststream.schemas.framing.UnknownSchemaIdException;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormat;
import org.mniststream.schemas.framing.ValueFormats;

/** The registry the build builds, started once for the class, and our client against it. */
class SchemaRegistryFixtureIT {
  private static SchemaRegistryFixture registry;
  private static SchemaRegistryClient client;

  @BeforeAll
  static void startRegistry() {
    registry = SchemaRegistryFixture.start();
    client =
        new SchemaRegistryClient(
            registry.confluentApiUrl(), Optional.empty(), SchemaRegistryClient.Retry.DEFAULT);
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private static String subject() {
    return "it-" + UUID.randomUUID() + "-value";
  }

  @Test
  void shouldRegisterAContractAndServeItBackById() {
    String subject = subject();

    int id = client.register(subject, ImageEvent.getClassSchema());

    assertThat(client.subjects()).contains(subject);
    SchemaRegistryClient fresh =
        new SchemaRegistryClient(
            registry.confluentApiUrl(), Optional.empty(), SchemaRegistryClient.Retry.DEFAULT);
    assertThat(fresh.schemaById(id)).isEqualTo(ImageEvent.getClassSchema());
    assertThat(fresh.register(subject, ImageEvent.getClassSchema())).isEqualTo(id);
  }

  @Test
  void shouldRefuseABackwardIncompatibleChangeWith409() {
    String subject = subject();
    client.setCompatibility(subject, "BACKWARD");
    client.register(subject, ImageEvent.getClassSchema());
    // a new required field without a default: a reader of it cannot read the data already there
    Schema breaking =
        new Schema.Parser()
            .parse(
                ImageEvent.getClassSchema()
                    .toString()
                    .replace(
                        "\"fields\":[",
                        "\"fields\":[{\"name\":\"cameraId\",\"type\":\"string\"},"));
    Schema compatible =
        SchemaBuilder.record("ImageEvent")
            .namespace("org.mniststream.schemas")
            .fields()
            .requiredString("eventId")
            .endRecord();

    assertThatThrownBy(() -> client.register(subject, breaking))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessageContaining(subject);
    // dropping fields is BACKWARD-compatible: the registry takes it as a new version
    assertThat(client.register(subject, compatible)).isPositive();
  }

  @Test
  void shouldAnswerAnUnknownIdAsUnknown() {
    assertThatThrownBy(() -> client.schemaById(987_654))
        .isInstanceOfSatisfying(
            UnknownSchemaIdException.class, e -> assertThat(e.id()).isEqualTo(987_654));
  }

  @Test
  void shouldRegisterEveryTopicsContractWithBackwardCompatibility() {
    TopicNames names = TopicNames.withPrefix("it-" + UUID.randomUUID() + ".");
    ValueCodecs codecs =
        ValueCodecs.of(ValueFormats.of(ValueFormat.CONFLUENT, registry.confluentApiUrl()));

    Map<String, Integer> ids = codecs.registerContracts(names);

    assertThat(ids.keySet())
        .containsExactlyInAnyOrderElementsOf(
            names.toProperties().values().stream().map(t -> t + "-value").toList());
    assertThat(client.subjects()).containsAll(ids.keySet());
    assertThat(client.schemaById(ids.get(names.images() + "-value")))
        .isEqualTo(ImageEvent.getClassSchema());
    assertThat(codecs.registerContracts(names)).as("idempotent").isEqualTo(ids);
  }
}
