package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mniststream.kafka.BrokerSecurity;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.kafka.EmbeddedKafkaBroker;
import org.mniststream.kafka.FreePorts;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.AclPlan.Role;
import org.mniststream.topics.TopicReader;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.training.SubsetModels;

/**
 * The product on the secure broker (SASL_SSL, SCRAM-SHA-512, the standard authorizer, no right but
 * the ACLs of {@code security acls --apply}): each principal does its job, and each forbidden
 * action is refused by the broker while what the stream app serves stays as it was.
 */
class SecureBrokerIT {

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);

  private static EmbeddedKafkaBroker broker;
  private static BrokerSecurity security;
  private static Path work;

  @BeforeAll
  static void startSecureBroker() throws Exception {
    security =
        BrokerSecurity.scramOverTls(Arrays.stream(Role.values()).map(Role::userName).toList());
    broker = EmbeddedKafkaBroker.builder().security(security).start();
    Path target = Path.of("target", "it-work");
    Files.createDirectories(target);
    work = Files.createTempDirectory(target, "secure-").toAbsolutePath();
  }

  @AfterAll
  static void stopSecureBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldLetTheImageProducerWriteImagesAndTheStreamAppReadThem() throws Exception {
    TopicNames topics = securedTopics("default-app");

    try (KafkaProducer<byte[], byte[]> producer = producer(Role.IMAGE_PRODUCER)) {
      producer.send(record(topics.images(), "event-1")).get(30, TimeUnit.SECONDS);
    }

    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(client(Role.STREAM_APP), "it-secure"))) {
      TopicReader.assignFromBeginning(consumer, List.of(topics.images()), CLIENT_TIMEOUT);
      List<String> keys = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  keys.add(new String(r.key(), StandardCharsets.UTF_8));
                }
                assertThat(keys).containsExactly("event-1");
              });
    }
  }

  @Test
  void shouldRefuseTheImageProducerWritingAModelOrARollout() throws Exception {
    TopicNames topics = securedTopics("default-app");

    try (KafkaProducer<byte[], byte[]> producer = producer(Role.IMAGE_PRODUCER)) {
      assertRefused(producer, record(topics.models(), "mnist/0000000099"));
      assertRefused(producer, record(topics.rollouts(), "mnist"));
    }

    assertThat(endOffset(topics.models())).isZero();
    assertThat(endOffset(topics.rollouts())).isZero();
  }

  @Test
  void shouldRefuseTheDashboardWritingARollout() throws Exception {
    TopicNames topics = securedTopics("default-app");

    try (KafkaProducer<byte[], byte[]> producer = producer(Role.DASHBOARD)) {
      // what it may write goes through; the rollout does not
      producer.send(record(topics.images(), "drawn-1")).get(30, TimeUnit.SECONDS);
      assertRefused(producer, record(topics.rollouts(), "mnist"));
    }

    assertThat(endOffset(topics.rollouts())).isZero();
  }

  @Test
  void shouldLetOnlyTheOperatorWriteTheTrustedKeys() throws Exception {
    TopicNames topics = securedTopics("default-app");

    for (Role role : List.of(Role.IMAGE_PRODUCER, Role.DASHBOARD, Role.TRAINER)) {
      try (KafkaProducer<byte[], byte[]> producer = producer(role)) {
        assertRefused(producer, record(topics.trustedKeys(), "0123456789abcdef"));
      }
    }
    assertThat(endOffset(topics.trustedKeys())).isZero();

    try (KafkaProducer<byte[], byte[]> producer = producer(Role.OPERATOR)) {
      producer.send(record(topics.trustedKeys(), "0123456789abcdef")).get(30, TimeUnit.SECONDS);
    }
    assertThat(endOffset(topics.trustedKeys())).isEqualTo(1);
  }

  @Test
  void shouldRefuseAWrongPasswordAndAClientWithoutSasl() throws Exception {
    TopicNames topics = securedTopics("default-app");
    Properties impostor = client(Role.IMAGE_PRODUCER);
    impostor.putAll(security.clientProperties(Role.IMAGE_PRODUCER.userName(), "guessed-password"));
    Properties plaintext = new Properties();
    plaintext.put("bootstrap.servers", broker.bootstrapServers());

    try (KafkaProducer<byte[], byte[]> producer = producer(impostor)) {
      assertThatThrownBy(() -> producer.send(record(topics.images(), "x")).get(30, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SaslAuthenticationException.class)
          .hasMessageContaining("invalid credentials");
    }
    // A plaintext client never gets past the TLS listener: it never learns the topic exists.
    try (KafkaProducer<byte[], byte[]> producer = producer(plaintext)) {
      assertThatThrownBy(() -> producer.send(record(topics.images(), "x")).get(30, SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TimeoutException.class);
    }
    assertThat(endOffset(topics.images())).isZero();
  }

  @Test
  void shouldRefuseARolloutFromTheStreamAppsPrincipalWithOneLine() throws Exception {
    TopicNames topics = securedTopics("default-app");
    Path config = clientConfigFile(Role.STREAM_APP, topics);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stderr = System.err;

    int exitCode;
    // the launcher's stream-app commands write to System.err, as operators see them
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exitCode =
          MnistStreamCli.execute("rollout", "--config", config.toString(), "--pin", "1", "--force");
    } finally {
      System.setErr(stderr);
    }

    assertThat(exitCode).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
        .singleElement()
        .asString()
        .contains("TopicAuthorizationException", topics.rollouts());
    assertThat(endOffset(topics.rollouts())).isZero();
  }

  @Test
  void shouldRefuseAModelPublishedWithTheImageProducersPrincipalWithOneLine() throws Exception {
    TopicNames topics = securedTopics("default-app");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stderr = System.err;

    int exitCode;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exitCode =
          TrainerCli.execute(
              "publish",
              "--model-dir",
              SubsetModels.subsetMlpDir().toString(),
              "--kafka-config",
              clientConfigFile(Role.IMAGE_PRODUCER, topics).toString(),
              "--topic",
              topics.models(),
              "--kafka-timeout",
              "20");
    } finally {
      System.setErr(stderr);
    }

    assertThat(exitCode).isNotZero();
    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
        .singleElement()
        .asString()
        .containsIgnoringCase("authoriz")
        .contains(topics.models());
    assertThat(endOffset(topics.models())).isZero();
  }

  @Test
  void shouldRefuseThePlanAppliedByAPrincipalThatIsNotTheAdmin() throws Exception {
    // the image producer cannot grant itself (or anyone) a right
    TopicNames topics = securedTopics("default-app");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exitCode =
        MnistStreamCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(
                "security",
                "acls",
                "--topics-prefix",
                topics.images().substring(0, topics.images().indexOf('.') + 1),
                "--principal",
                "trainer=User:image-producer",
                "--apply",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--command-config",
                clientConfigFile(Role.IMAGE_PRODUCER, topics).toString(),
                "--timeout",
                "20");

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString().lines().toList())
        .singleElement()
        .asString()
        .startsWith("cannot create the ACLs on " + broker.bootstrapServers())
        .contains("may not change ACLs");
    try (KafkaProducer<byte[], byte[]> producer = producer(Role.IMAGE_PRODUCER)) {
      assertRefused(producer, record(topics.models(), "mnist/0000000001"));
    }
  }

  @Test
  void shouldStopAStreamAppUnderTheWrongPrincipalWithOneLine() throws Exception {
    TopicNames topics = securedTopics("default-app");
    List<String> settings = new ArrayList<>();
    topics.toProperties().forEach((k, v) -> settings.add(k + "=" + v));
    client(Role.IMAGE_PRODUCER).forEach((k, v) -> settings.add(k + "=" + v));

    try (ChildJvm app =
        LocalStack.launchApp(
            "wrong-principal-app",
            broker.bootstrapServers(),
            work,
            FreePorts.loopback(),
            settings,
            LocalStack.APP_JVM_OPTIONS)) {
      await().atMost(Duration.ofMinutes(1)).until(() -> !app.isAlive());

      assertThat(app.exitValue()).isNotZero();
      assertThat(Files.readAllLines(app.logFile()))
          .filteredOn(l -> l.contains("Cannot start"))
          .singleElement()
          .asString()
          .contains("not authorized");
    }
  }

  @Test
  void shouldServeOnTheSecureBrokerAndKeepServingWhenForbiddenWritesAreRefused() throws Exception {
    IdxDataset test = SubsetModels.subsetData().test();
    String appId = "mnist-it-secure-" + UUID.randomUUID();
    TopicNames topics = securedTopics(appId);

    // Given v1, published by the trainer's principal, and a stream app under its own principal
    assertThat(
            TrainerCli.execute(
                "publish",
                "--model-dir",
                SubsetModels.subsetMlpDir().toString(),
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--kafka-config",
                clientConfigFile(Role.TRAINER, topics).toString(),
                "--topic",
                topics.models()))
        .isZero();
    int port = FreePorts.loopback();
    List<String> settings = new ArrayList<>();
    topics.toProperties().forEach((k, v) -> settings.add(k + "=" + v));
    settings.add("application.id=" + appId);
    client(Role.STREAM_APP).forEach((k, v) -> settings.add(k + "=" + v));
    try (ChildJvm app =
            LocalStack.launchApp(
                "secure-app",
                broker.bootstrapServers(),
                work,
                port,
                settings,
                LocalStack.APP_JVM_OPTIONS);
        TopicContents<Prediction> predictions =
            new TopicContents<>(
                client(Role.DASHBOARD), topics.predictions(), ContractSerdes.prediction()::decode);
        ImageEventSource source =
            new ImageEventSource(client(Role.IMAGE_PRODUCER), topics.images(), "secure")) {
      LocalStack.awaitReady(app, port, Duration.ofMinutes(2));
      // v1's record and its transaction's commit marker
      long modelsEnd = endOffset(topics.models());

      // When the image producer and the dashboard try to re-route serving
      try (KafkaProducer<byte[], byte[]> imageProducer = producer(Role.IMAGE_PRODUCER);
          KafkaProducer<byte[], byte[]> dashboard = producer(Role.DASHBOARD)) {
        byte[] pinToV7 = ContractSerdes.modelRollout().encode(pin(7));
        assertRefused(imageProducer, record(topics.rollouts(), "mnist", pinToV7));
        assertRefused(dashboard, record(topics.rollouts(), "mnist", pinToV7));
        assertRefused(imageProducer, record(topics.models(), "mnist/0000000007"));
      }

      // Then the images still flow and v1 still serves every one of them
      source.send(test, "after-refusals", 50, 0, () -> false, n -> {});
      source.flush();
      StackHarness.awaitCount(predictions::size, 50, Duration.ofMinutes(1));
      assertThat(predictions.values().stream().map(Prediction::getModelVersion).distinct())
          .containsExactly(1L);
      assertThat(get(port, "/model")).contains("\"active\":{\"version\":1,");
      assertThat(endOffset(topics.rollouts())).isZero();
      assertThat(endOffset(topics.models())).isEqualTo(modelsEnd);
    }
  }

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;

  /** Fresh topics, created by the admin, and the plan's ACLs applied by the security command. */
  private static TopicNames securedTopics(String appId) {
    TopicNames topics = TopicNames.withPrefix(UUID.randomUUID().toString().substring(0, 8) + ".");
    TopicSetup.createAll(client(null), topics, 2);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        MnistStreamCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(
                "security",
                "acls",
                "--topics-prefix",
                topics.images().substring(0, topics.images().indexOf('.') + 1),
                "--application-id",
                appId,
                "--apply",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--command-config",
                adminConfigFile().toString());
    assertThat(exitCode).as("security acls --apply: %s", err).isZero();
    assertThat(out.toString()).contains("applied ");
    // createAcls returns once the controller holds the ACLs; the broker authorizes with them once
    // it has replayed them from the metadata log, a moment later: wait until the broker lists them
    List<org.apache.kafka.common.acl.AclBinding> plan =
        org.mniststream.topics.AclPlan.of(topics, appId, false, Map.of()).bindings();
    try (Admin admin = Admin.create(client(null))) {
      await()
          .atMost(CLIENT_TIMEOUT)
          .untilAsserted(
              () ->
                  assertThat(
                          admin
                              .describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
                              .values()
                              .get(30, TimeUnit.SECONDS))
                      .containsAll(plan));
    }
    return topics;
  }

  /** The client properties of {@code role}'s principal; {@code null}: the admin. */
  private static Properties client(Role role) {
    Properties p = new Properties();
    p.putAll(broker.clientProperties(role == null ? BrokerSecurity.ADMIN_USER : role.userName()));
    return p;
  }

  private static Path adminConfigFile() {
    return writeProperties(client(null), work.resolve("admin.properties"));
  }

  /** A {@code --config}/{@code --kafka-config} file: the role's client settings and topics. */
  private static Path clientConfigFile(Role role, TopicNames topics) {
    Properties p = client(role);
    p.putAll(topics.toProperties());
    return writeProperties(
        p, work.resolve(role.userName() + "-" + UUID.randomUUID() + ".properties"));
  }

  private static Path writeProperties(Properties p, Path file) {
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, null);
    } catch (IOException e) {
      throw new AssertionError("cannot write " + file, e);
    }
    return file;
  }

  private static KafkaProducer<byte[], byte[]> producer(Role role) {
    return producer(client(role));
  }

  private static KafkaProducer<byte[], byte[]> producer(Properties client) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return new KafkaProducer<>(p);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key) {
    return record(topic, key, new byte[] {1, 2, 3});
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }

  private static void assertRefused(
      KafkaProducer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record) {
    assertThatThrownBy(() -> producer.send(record).get(30, SECONDS))
        .as("a write to %s", record.topic())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(TopicAuthorizationException.class)
        .hasMessageContaining(record.topic());
  }

  private static long endOffset(String topic) throws Exception {
    try (Admin admin = Admin.create(client(null))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      return admin
          .listOffsets(Map.of(tp, OffsetSpec.latest()))
          .partitionResult(tp)
          .get(30, SECONDS)
          .offset();
    }
  }

  private static ModelRollout pin(long version) {
    return ModelRollout.newBuilder()
        .setModelName("mnist")
        .setActiveVersion(version)
        .setIssuedAt(Instant.now())
        .setIssuedBy("someone-else")
        .build();
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .body();
  }
}
