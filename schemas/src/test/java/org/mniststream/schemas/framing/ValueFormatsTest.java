package org.mniststream.schemas.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ValueFormatsTest {
  private static Properties props(Map<String, String> entries) {
    Properties p = new Properties();
    p.putAll(entries);
    return p;
  }

  @Test
  void shouldDefaultToSingleObjectWithoutARegistry() {
    ValueFormats formats = ValueFormats.from(new Properties());

    assertThat(formats).isEqualTo(ValueFormats.SINGLE_OBJECT);
    assertThat(formats.formatOf("mnist.predictions")).isEqualTo(ValueFormat.SINGLE_OBJECT);
    assertThat(formats.anyConfluent()).isFalse();
  }

  @Test
  void shouldReadAGlobalFormatPerTopicOverridesTheRegistryAndItsCredentials() {
    ValueFormats formats =
        ValueFormats.from(
            props(
                Map.of(
                    "value.format", "confluent",
                    "value.format.mnist.models", "single-object",
                    "schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7",
                    "schema.registry.basic.auth.user.info", "me:secret")));

    assertThat(formats.formatOf("mnist.predictions")).isEqualTo(ValueFormat.CONFLUENT);
    assertThat(formats.formatOf("mnist.models")).isEqualTo(ValueFormat.SINGLE_OBJECT);
    assertThat(formats.registryUrl()).contains(URI.create("http://127.0.0.1:8081/apis/ccompat/v7"));
    assertThat(formats.registryUserInfo()).contains("me:secret");
    assertThat(ValueFormats.from(props(formats.toProperties()))).isEqualTo(formats);
  }

  @Test
  void shouldRefuseBadSettingsInOneLineByName() {
    assertThatThrownBy(() -> ValueFormats.from(props(Map.of("value.format", "protobuf"))))
        .hasMessage("value.format must be single-object or confluent, got 'protobuf'");
    assertThatThrownBy(
            () -> ValueFormats.from(props(Map.of("value.format.mnist.predictions", "confluent"))))
        .hasMessageContaining("needs schema.registry.url");
    assertThatThrownBy(
            () ->
                ValueFormats.from(
                    props(Map.of("value.format", "confluent", "schema.registry.url", "nope"))))
        .hasMessage("schema.registry.url must be an http(s) URL, got 'nope'");
  }
}
