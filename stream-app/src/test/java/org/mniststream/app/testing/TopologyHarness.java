package org.mniststream.app.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.mniststream.app.config.AppConfig;
import org.mniststream.app.config.AppSettings;
import org.mniststream.app.config.StreamsConfigFactory;
import org.mniststream.app.models.ModelRegistry;
import org.mniststream.app.ops.AppMetrics;
import org.mniststream.app.topology.ClassifierTopology;
import org.mniststream.app.topology.StreamTopics;
import org.mniststream.model.ModelVerifier;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.ReviewRequest;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.SchemaRegistryClient;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;

/**
 * The production topology, built with the production config method, on a {@link
 * TopologyTestDriver}, with a synchronous registry (a model record is verified and loaded before
 * {@code pipeInput} returns). Close it in {@code @AfterEach}.
 */
public final class TopologyHarness implements AutoCloseable {
  public final AppSettings settings;
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  public final ModelRegistry registry;
  public final TopologyTestDriver driver;
  public final TestInputTopic<byte[], byte[]> images;
  public final TestInputTopic<byte[], byte[]> models;
  public final TestInputTopic<byte[], byte[]> rollouts;
  public final TestInputTopic<byte[], byte[]> trustedKeys;
  public final TestOutputTopic<byte[], Prediction> predictions;
  public final TestOutputTopic<byte[], Prediction> shadowPredictions;
  public final TestOutputTopic<byte[], DeadLetter> deadLetters;
  public final TestOutputTopic<byte[], ReviewRequest> review;
  public final TopicNames topicNames;
  private final Path stateDir;

  private TopologyHarness(Map<String, String> overrides, SchemaRegistryClient.Retry retry)
      throws Exception {
    stateDir = Files.createTempDirectory("topology-test");
    Map<String, String> flags = new HashMap<>(overrides);
    flags.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test-" + UUID.randomUUID());
    flags.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    Properties config = AppConfig.load(Optional.empty(), Map.of(), flags);
    settings = AppSettings.from(config);
    topicNames = TopicNames.from(config);
    AppMetrics metrics = new AppMetrics(meters);
    registry =
        ModelRegistry.synchronous(
            settings.modelName(), new ModelVerifier(List.of()), metrics, Clock.systemUTC());
    registry.pairedPercent(settings.canaryPairedPercent());
    registry.minVersion(settings.minVersion());
    driver =
        new TopologyTestDriver(
            ClassifierTopology.build(
                StreamTopics.from(topicNames, ValueCodecs.of(ValueFormats.from(config), retry)),
                registry,
                Clock.systemUTC(),
                settings,
                metrics),
            StreamsConfigFactory.streamsConfig(config));
    ByteArraySerializer bytes = new ByteArraySerializer();
    images = driver.createInputTopic(topicNames.images(), bytes, bytes);
    models = driver.createInputTopic(topicNames.models(), bytes, bytes);
    rollouts = driver.createInputTopic(topicNames.rollouts(), bytes, bytes);
    trustedKeys = driver.createInputTopic(topicNames.trustedKeys(), bytes, bytes);
    ByteArrayDeserializer keys = new ByteArrayDeserializer();
    predictions =
        driver.createOutputTopic(topicNames.predictions(), keys, ContractSerdes.prediction());
    shadowPredictions =
        driver.createOutputTopic(topicNames.shadowPredictions(), keys, ContractSerdes.prediction());
    deadLetters =
        driver.createOutputTopic(topicNames.deadLetters(), keys, ContractSerdes.deadLetter());
    review = driver.createOutputTopic(topicNames.review(), keys, ContractSerdes.reviewRequest());
  }

  /** The app's defaults ({@code AppSettings}) with these config keys on top. */
  public static TopologyHarness start(Map<String, String> overrides) throws Exception {
    return new TopologyHarness(overrides, SchemaRegistryClient.Retry.DEFAULT);
  }

  /** As {@link #start(Map)}, with this retry rule for the schema registry. */
  public static TopologyHarness start(
      Map<String, String> overrides, SchemaRegistryClient.Retry retry) throws Exception {
    return new TopologyHarness(overrides, retry);
  }

  public static TopologyHarness start() throws Exception {
    return start(Map.of());
  }

  public void publishModel(long version, byte[] value) {
    models.pipeInput(TestModelRecords.key(version), value);
  }

  public void rollout(byte[] value) {
    rollouts.pipeInput(TestEvents.key(TestModelRecords.NAME), value);
  }

  /** A record of the trusted-keys topic: {@code state} for {@code keyId}. */
  public void keyState(String keyId, org.mniststream.schemas.KeyState state, String reason) {
    trustedKeys.pipeInput(
        TestEvents.key(keyId),
        ContractSerdes.trustedKey()
            .encode(
                org.mniststream.schemas.TrustedKey.newBuilder()
                    .setKeyId(keyId)
                    .setState(state)
                    .setReason(reason)
                    .setChangedAt(java.time.Instant.now())
                    .setChangedBy("test")
                    .build()));
  }

  public void send(String key, ImageEvent event) {
    images.pipeInput(key == null ? null : TestEvents.key(key), TestEvents.encode(event));
  }

  public void sendRaw(byte[] key, byte[] value) {
    images.pipeInput(key, value);
  }

  /** Fires the max-wait punctuator once: every buffered event is classified. */
  public void flush() {
    driver.advanceWallClockTime(settings.batchMaxWait());
  }

  public List<TestRecord<byte[], Prediction>> drainPredictions() {
    return predictions.readRecordsToList();
  }

  public double counter(String name, String... tags) {
    Counter c = meters.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  public double counterSum(String name) {
    return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  @Override
  public void close() {
    try {
      driver.close();
    } finally {
      registry.close();
      FileUtils.deleteQuietly(stateDir.toFile()); // a temp dir left behind is harmless
    }
  }
}
