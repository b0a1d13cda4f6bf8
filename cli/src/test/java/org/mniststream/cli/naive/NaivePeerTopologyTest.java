package org.mniststream.cli.naive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.model.Architecture;
import org.mniststream.model.LoadedModel;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.Route;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.training.SubsetModels;

class NaivePeerTopologyTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  private final ModelVersion version = SubsetModels.subsetCnn();
  private NaiveModel model;
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], ImageEvent> images;
  private TestOutputTopic<byte[], Prediction> predictions;

  @BeforeEach
  void setUp() throws Exception {
    model = NaiveModel.load(version);
    Properties overrides = new Properties();
    overrides.put(StreamsConfig.APPLICATION_ID_CONFIG, "naive-test");
    overrides.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    driver =
        new TopologyTestDriver(
            NaivePeerTopology.build(
                "images", "predictions", model, Clock.fixed(NOW, ZoneOffset.UTC)),
            NaivePeerTopology.streamsConfig(overrides));
    images =
        driver.createInputTopic(
            "images", Serdes.ByteArray().serializer(), ContractSerdes.imageEvent().serializer());
    predictions =
        driver.createOutputTopic(
            "predictions",
            Serdes.ByteArray().deserializer(),
            ContractSerdes.prediction().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
    model.close();
  }

  @Test
  void shouldClassifyOneEventLikeTheProductsModelDoes() throws Exception {
    // Given a genuine MNIST test image and the same trained CNN loaded the product's way
    IdxDataset test = SubsetModels.subsetData().test();
    byte[] pixels = test.pixelsOf(0);
    float[] expected;
    try (LoadedModel product = LoadedModel.load(version, Architecture.CNN_V1)) {
      expected = product.predict(product.normalizer().normalizeAll(pixels, 0, 1), 1);
    }
    ImageEvent event =
        ImageEvent.newBuilder()
            .setEventId("e-1")
            .setSource("test")
            .setEventTime(NOW.minusMillis(40))
            .setHeight(test.rows())
            .setWidth(test.cols())
            .setEncoding(PixelEncoding.RAW_GRAY8)
            .setPixels(ByteBuffer.wrap(pixels))
            .setLabel(test.label(0))
            .setAttributes(Map.of())
            .build();

    // When the naive peer reads it
    images.pipeInput("e-1".getBytes(StandardCharsets.UTF_8), event);

    // Then one prediction in the product's contract, keyed like the event, with the same class
    var out = predictions.readKeyValuesToList();
    assertThat(out).hasSize(1);
    assertThat(new String(out.get(0).key, StandardCharsets.UTF_8)).isEqualTo("e-1");
    Prediction p = out.get(0).value;
    int best = argmax(expected);
    assertThat(p.getEventId()).isEqualTo("e-1");
    assertThat(p.getEventTime()).isEqualTo(NOW.minusMillis(40));
    assertThat(p.getPredictedClass()).isEqualTo(best).isEqualTo(test.label(0));
    assertThat(p.getConfidence())
        .isCloseTo(expected[best], org.assertj.core.data.Offset.offset(1e-4f));
    assertThat(p.getProbabilities()).hasSize(Architecture.CLASSES);
    assertThat(p.getModelName()).isEqualTo(version.getModelName());
    assertThat(p.getModelVersion()).isEqualTo(version.getVersion());
    assertThat(p.getRoute()).isEqualTo(Route.ACTIVE);
    assertThat(p.getProcessedAt()).isEqualTo(NOW);
    assertThat(p.getLabel()).isEqualTo(test.label(0));
  }

  @Test
  void shouldPassKafkaStreamsDefaultsThroughExceptTheIdsAndTheGuarantee() {
    Properties overrides = new Properties();
    overrides.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);

    Properties config = NaivePeerTopology.streamsConfig(overrides);

    assertThat(config.stringPropertyNames())
        .containsExactlyInAnyOrder(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            StreamsConfig.APPLICATION_ID_CONFIG,
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
  }

  @Test
  void shouldRefuseAnArgumentThatIsNoKeyValuePair() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> NaivePeerMain.parse(new String[] {"model.dir=/m", "oops"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected key=value, got 'oops'");
    assertThat(NaivePeerMain.parse(new String[] {"a=b=c"}).getProperty("a")).isEqualTo("b=c");
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }
}
