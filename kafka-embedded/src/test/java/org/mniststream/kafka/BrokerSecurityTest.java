package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerSecurityTest {

  @Test
  void shouldGiveTheSuperUsersAndEveryGivenUserACredential() {
    BrokerSecurity security = BrokerSecurity.scramOverTls(List.of("image-producer", "trainer"));

    assertThat(security.users()).containsExactly("broker", "admin", "image-producer", "trainer");
    assertThat(security.password("trainer")).hasSizeGreaterThanOrEqualTo(32);
    assertThat(security.password("trainer")).isNotEqualTo(security.password("image-producer"));
  }

  @Test
  void shouldRefuseUserNamesAndPasswordsThatWouldBreakAJaasLine() {
    assertThatThrownBy(() -> BrokerSecurity.scramOverTls(List.of("eve\" admin")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a plain user name");
    assertThatThrownBy(() -> BrokerSecurity.scramOverTls(Map.of("eve", "pass,word=1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("password of eve");
  }

  @Test
  void shouldReplaceThePlaintextListenersAndDenyByDefault() {
    BrokerSecurity security = BrokerSecurity.scramOverTls(Map.of("alice", "alice-secret"));

    Map<String, String> props =
        security.brokerProperties("127.0.0.1", 9093, 9094, Path.of("/tmp/node"));

    assertThat(props)
        .containsEntry("listeners", "SASL_SSL://127.0.0.1:9093,CONTROLLER://127.0.0.1:9094")
        .containsEntry("advertised.listeners", "SASL_SSL://127.0.0.1:9093")
        .containsEntry("inter.broker.listener.name", "SASL_SSL")
        .containsEntry("listener.name.controller.ssl.client.auth", "required")
        .containsEntry("allow.everyone.if.no.acl.found", "false")
        .containsEntry("super.users", "User:broker;User:admin");
    assertThat(security.clientProperties("alice"))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"alice\" password=\"alice-secret\";")
        .containsEntry("ssl.truststore.location", "/tmp/node/security/broker-cert.pem");
  }

  @Test
  void shouldServeOneBrokerOnly() {
    BrokerSecurity security = BrokerSecurity.scramOverTls(List.of());
    security.brokerProperties("127.0.0.1", 9093, 9094, Path.of("/tmp/node-1"));

    assertThatThrownBy(
            () -> security.brokerProperties("127.0.0.1", 9095, 9096, Path.of("/tmp/node-2")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldTurnEachCredentialIntoAnAddScramArgument() {
    Map<String, String> credentials = new LinkedHashMap<>();
    credentials.put("broker", "b-secret1");
    credentials.put("alice", "a-secret1");

    assertThat(BrokerProcessMain.scramArguments(credentials))
        .containsExactly(
            "--add-scram",
            "SCRAM-SHA-512=[name=broker,password=b-secret1]",
            "--add-scram",
            "SCRAM-SHA-512=[name=alice,password=a-secret1]");
  }
}
