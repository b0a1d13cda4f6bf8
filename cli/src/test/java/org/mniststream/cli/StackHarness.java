package org.mniststream.cli;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.CommonClientConfigs;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.TopicNames;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.TrainerCli;

/**
 * The real stack for end-to-end tests: one broker from {@link KafkaFixture} (Testcontainers where
 * Docker runs, the embedded KRaft broker elsewhere), topics with random names per test, and
 * stream-app instances as child JVMs, exactly as operators run them.
 */
final class StackHarness implements AutoCloseable {
  final KafkaFixture kafka;
  final TopicNames topics;
  final String appId = "mnist-it-" + UUID.randomUUID();
  final Path work;
  private final List<ChildJvm> apps = new ArrayList<>();

  StackHarness(KafkaFixture kafka) throws Exception {
    this(kafka, 2);
  }

  /** A stack whose image-event (and prediction) topics have {@code partitions} partitions. */
  StackHarness(KafkaFixture kafka, int partitions) throws Exception {
    this.kafka = kafka;
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    this.topics = TopicNames.withPrefix(suffix + ".");
    // under target/ so logs of a failed run stay for reading and `mvn clean` removes them
    Path target = Path.of("target", "it-work");
    Files.createDirectories(target);
    this.work = Files.createTempDirectory(target, "stack-").toAbsolutePath();
    TopicSetup.createAll(clientProps(), topics, partitions);
  }

  Properties clientProps() {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return props;
  }

  List<String> topicSettings() {
    return topics.toProperties().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .toList();
  }

  /** Publishes a saved model directory; returns the trainer's exit code. */
  int publish(Path modelDir) {
    return TrainerCli.execute(
        "publish",
        "--model-dir",
        modelDir.toString(),
        "--bootstrap-servers",
        kafka.bootstrapServers(),
        "--topic",
        topics.models());
  }

  /** Starts an instance and waits for /ready. */
  ChildJvm startApp(String name, int httpPort, List<String> extra) throws Exception {
    List<String> settings = new ArrayList<>(topicSettings());
    settings.add("application.id=" + appId);
    settings.addAll(extra);
    ChildJvm app =
        LocalStack.launchApp(
            name, kafka.bootstrapServers(), work, httpPort, settings, LocalStack.APP_JVM_OPTIONS);
    apps.add(app);
    LocalStack.awaitReady(app, httpPort, Duration.ofMinutes(2));
    return app;
  }

  Path logOf(String name) {
    return work.resolve(name + ".log");
  }

  static void awaitCount(java.util.function.LongSupplier actual, long expected, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                org.assertj.core.api.Assertions.assertThat(actual.getAsLong()).isEqualTo(expected));
  }

  @Override
  public void close() throws Exception {
    for (ChildJvm app : apps) {
      app.close();
    }
  }

  /**
   * Everything committed to the predictions topic, collected from now on (the caller closes it).
   */
  TopicContents<Prediction> predictions() {
    return new TopicContents<>(
        clientProps(), topics.predictions(), ContractSerdes.prediction()::decode);
  }

  /** Everything committed to the dead-letters topic, collected from now on. */
  TopicContents<DeadLetter> deadLetters() {
    return new TopicContents<>(
        clientProps(), topics.deadLetters(), ContractSerdes.deadLetter()::decode);
  }

  /** A load source of image events on this stack's images topic, ids prefixed by {@code run}. */
  ImageEventSource source(String run) {
    return new ImageEventSource(clientProps(), topics.images(), run);
  }
}
