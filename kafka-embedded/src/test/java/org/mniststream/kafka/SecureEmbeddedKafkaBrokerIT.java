package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mniststream.kafka.KafkaClients.topicName;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The secure profile on a real broker: authentication, the authorizer's default deny, an ACL that
 * grants one right, and a controller port a plain client cannot use.
 */
class SecureEmbeddedKafkaBrokerIT {

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker =
        EmbeddedKafkaBroker.builder()
            .security(BrokerSecurity.scramOverTls(List.of("alice", "bob")))
            .start();
  }

  @AfterAll
  static void closeBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldRunWithTheStandardAuthorizerAndNoDefaultRight() {
    assertThat(broker.brokerConfig())
        .containsEntry(
            "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
        .containsEntry("allow.everyone.if.no.acl.found", "false")
        .containsEntry("super.users", "User:broker;User:admin")
        .containsEntry("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
  }

  @Test
  void shouldKeepTheCredentialsFileToItsOwner() throws Exception {
    Path credentials =
        broker
            .dataDir()
            .resolve(BrokerSecurity.SECURITY_DIR_NAME)
            .resolve(BrokerSecurity.CREDENTIALS_FILE_NAME);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
        .isEqualTo("rw-------");
  }

  @Test
  void shouldRefuseAnAuthenticatedUserWithoutAclThenAcceptItOnceGranted() throws Exception {
    String topic = createTopic();

    try (KafkaProducer<String, String> alice = producer(broker.clientProperties("alice"))) {
      assertThatThrownBy(() -> alice.send(new ProducerRecord<>(topic, "k", "v")).get(30, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TopicAuthorizationException.class);
    }

    grantWrite("alice", topic);

    try (KafkaProducer<String, String> alice = producer(broker.clientProperties("alice"));
        KafkaProducer<String, String> bob = producer(broker.clientProperties("bob"))) {
      assertThat(alice.send(new ProducerRecord<>(topic, "k", "v")).get(30, SECONDS).offset())
          .isZero();
      assertThatThrownBy(() -> bob.send(new ProducerRecord<>(topic, "k", "v")).get(30, SECONDS))
          .cause()
          .isInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void shouldKeepItsCertificateCredentialsAndAclsAcrossARestart() throws Exception {
    String topic = createTopic();
    grantWrite("bob", topic);
    Map<String, String> bobBefore = broker.clientProperties("bob");

    broker.restart();

    try (KafkaProducer<String, String> bob = producer(bobBefore)) {
      assertThat(bob.send(new ProducerRecord<>(topic, "k", "v")).get(30, SECONDS).offset())
          .isZero();
    }
  }

  @Test
  void shouldRefuseAWrongPassword() {
    String topic = createTopic();
    Map<String, String> wrong = new LinkedHashMap<>(broker.clientProperties("alice"));
    wrong.putAll(broker.security().orElseThrow().clientProperties("alice", "not-the-password"));

    try (KafkaProducer<String, String> impostor = producer(wrong)) {
      assertThatThrownBy(
              () -> impostor.send(new ProducerRecord<>(topic, "k", "v")).get(30, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void shouldGiveAPlaintextClientNothing() {
    Properties plain = new Properties();
    plain.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    plain.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    plain.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    try (Admin admin = Admin.create(plain)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(10, SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
  }

  @Test
  void shouldRefuseTheControllerPortToAClientWithoutTheBrokersCertificate() {
    // SASL credentials of a super user, but not the broker's key: the handshake fails.
    Properties admin = new Properties();
    admin.putAll(broker.security().orElseThrow().clientProperties(BrokerSecurity.ADMIN_USER));
    admin.put("security.protocol", "SSL");
    admin.put(
        AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG,
        EmbeddedKafkaBroker.HOST + ":" + broker.controllerPort());
    admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    try (Admin controllerClient = Admin.create(admin)) {
      assertThatThrownBy(() -> controllerClient.describeCluster().nodes().get(10, SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
  }

  private static String createTopic() {
    String topic = topicName();
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot create " + topic, e);
    }
    return topic;
  }

  private static void grantWrite(String user, String topic) throws Exception {
    try (Admin admin = admin()) {
      admin
          .createAcls(
              List.of(
                  new AclBinding(
                      new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                      new AccessControlEntry(
                          "User:" + user, "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
          .all()
          .get(30, SECONDS);
    }
  }

  private static Admin admin() {
    Properties p = new Properties();
    p.putAll(broker.clientProperties(BrokerSecurity.ADMIN_USER));
    return Admin.create(p);
  }

  private static KafkaProducer<String, String> producer(Map<String, String> client) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return new KafkaProducer<>(p);
  }

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;
}
