package org.mniststream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.mniststream.kafka.BrokerConfig;

class KafkaFixtureTest {

  @Test
  void shouldUseAnExistingClusterWithoutStartingAnything() {
    Map<String, String> settings = Map.of(KafkaFixture.BOOTSTRAP_VARIABLE, " broker-1:9092 ");

    try (KafkaFixture fixture =
        KafkaFixture.start(Map.of(), name -> Optional.ofNullable(settings.get(name)), true)) {
      assertThat(fixture.kind()).isEqualTo("external");
      assertThat(fixture.bootstrapServers()).isEqualTo("broker-1:9092");
      assertThat(fixture.supportsRestart()).isFalse();
      assertThat(fixture.embeddedBroker()).isEmpty();
      assertThatThrownBy(fixture::restart)
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("embedded");
      assertThatThrownBy(fixture::kill).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Test
  void shouldUseAnExistingClusterInsteadOfStartingOne() {
    Map<String, String> settings = Map.of(KafkaFixture.BOOTSTRAP_VARIABLE, "b1:9092,b2:9092");

    try (KafkaFixture fixture =
        KafkaFixture.startCluster(3, name -> Optional.ofNullable(settings.get(name)))) {
      assertThat(fixture.kind()).isEqualTo("external");
      assertThat(fixture.bootstrapServers()).isEqualTo("b1:9092,b2:9092");
      assertThat(fixture.embeddedCluster()).isEmpty();
    }
  }

  @Test
  void shouldTellBeforeStartingWhetherTheFixtureCanRestart() {
    Map<String, String> external = Map.of(KafkaFixture.BOOTSTRAP_VARIABLE, "broker-1:9092");
    Map<String, String> embedded = Map.of(KafkaFixture.FIXTURE_VARIABLE, "embedded");
    Map<String, String> container = Map.of(KafkaFixture.FIXTURE_VARIABLE, "testcontainers");

    assertThat(KafkaFixture.startsRestartable(name -> Optional.ofNullable(external.get(name))))
        .isFalse();
    assertThat(KafkaFixture.startsRestartable(name -> Optional.ofNullable(embedded.get(name))))
        .isTrue();
    assertThat(KafkaFixture.startsRestartable(name -> Optional.ofNullable(container.get(name))))
        .isFalse();
  }

  @Test
  void shouldRejectAnUnknownForcedKind() {
    Map<String, String> settings = Map.of(KafkaFixture.FIXTURE_VARIABLE, "podman");

    assertThatThrownBy(
            () ->
                KafkaFixture.start(Map.of(), name -> Optional.ofNullable(settings.get(name)), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("podman");
  }

  @Test
  void shouldRunTheOfficialImageOfTheClientVersion() throws Exception {
    assertThat(KafkaFixture.imageName()).isEqualTo("apache/kafka:" + pinnedKafkaVersion());
  }

  /** The parent pom's {@code kafka.version}, filtered into a test resource by the build. */
  private static String pinnedKafkaVersion() throws Exception {
    Properties props = new Properties();
    try (InputStream in = KafkaFixtureTest.class.getResourceAsStream("/kafka-version.properties")) {
      props.load(in);
    }
    String version = props.getProperty("kafka.version");
    assertThat(version).as("kafka.version filtered by the build").doesNotContain("${");
    return version;
  }

  @Test
  void shouldNameEnvironmentVariablesTheWayTheApacheImageReadsThem() {
    assertThat(KafkaFixture.environmentName("message.max.bytes"))
        .isEqualTo("KAFKA_MESSAGE_MAX_BYTES");
    assertThat(KafkaFixture.environmentName("some_prop-name.x"))
        .isEqualTo("KAFKA_SOME__PROP___NAME_X");
  }

  @Test
  void shouldGiveTheContainerTheSingleNodeSettingsButNotItsListeners() {
    assertThat(KafkaFixture.containerDefaults())
        .containsEntry("message.max.bytes", Integer.toString(BrokerConfig.MAX_MESSAGE_BYTES))
        .containsEntry("auto.create.topics.enable", "false")
        .containsEntry("transaction.state.log.min.isr", "1")
        .doesNotContainKeys("listeners", "advertised.listeners", "node.id", "log.dirs");
  }
}
