package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.testing.TopologyHarness;
import org.mniststream.model.Architecture;
import org.mniststream.model.InputContracts;
import org.mniststream.model.InputNormalizer;
import org.mniststream.model.LoadedModel;
import org.mniststream.model.image.GrayImage;
import org.mniststream.model.image.MnistFitter;
import org.mniststream.model.image.PngImages;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.Route;

class ClassificationTopologyTest {
  private TopologyHarness app;

  @AfterEach
  void closeDriver() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldPredictARaw28x28EventWithTheActiveModel() throws Exception {
    app = TopologyHarness.start();
    app.publishModel(1, TestModelRecords.mlp(1));

    app.images.pipeInput(
        TestEvents.key("k-1"), TestEvents.encode(TestEvents.raw28("e-1", 7)), 12_345L);
    app.flush();

    List<TestRecord<byte[], Prediction>> out = app.drainPredictions();
    assertThat(out).hasSize(1);
    TestRecord<byte[], Prediction> record = out.get(0);
    assertThat(record.key()).isEqualTo(TestEvents.key("k-1"));
    assertThat(record.timestamp()).isEqualTo(12_345L);
    Prediction p = record.value();
    assertThat(p.getEventId()).isEqualTo("e-1");
    assertThat(p.getEventTime()).isEqualTo(TestEvents.EVENT_TIME);
    assertThat(p.getModelName()).isEqualTo(TestModelRecords.NAME);
    assertThat(p.getModelVersion()).isEqualTo(1L);
    assertThat(p.getRoute()).isEqualTo(Route.ACTIVE);
    assertThat(p.getLabel()).isEqualTo(7);
    assertThat(p.getProbabilities()).hasSize(10);
    assertThat(p.getProbabilities().stream().mapToDouble(Float::doubleValue).sum())
        .isCloseTo(1.0, within(1e-4));
    assertThat(p.getConfidence()).isEqualTo(p.getProbabilities().get(p.getPredictedClass()));
    assertThat(p.getProbabilities()).allMatch(x -> x <= p.getConfidence());
    assertThat(p.getLatencyMicros()).isNotNegative();
    assertThat(p.getProcessedAt()).isNotNull();
    assertThat(app.deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldPredictAPngOfAnotherSizeFittedTo28x28() throws Exception {
    app = TopologyHarness.start();
    app.publishModel(1, TestModelRecords.cnn(1));
    ImageEvent png = TestEvents.png("png-1", 56, 40);

    app.send("k-png", png);
    app.flush();

    List<TestRecord<byte[], Prediction>> out = app.drainPredictions();
    assertThat(out).extracting(r -> r.value().getEventId()).containsExactly("png-1");
    assertThat(out.get(0).value().getLabel()).isNull();
    // the model saw exactly the MNIST-fitted, contract-normalized image
    ModelVersion version = TestModelRecords.decode(TestModelRecords.cnn(1));
    GrayImage fitted =
        MnistFitter.fit(PngImages.decode(TestEvents.pngBytes(56, 40), 56, 40, 1024), 28, 28);
    try (LoadedModel model = LoadedModel.load(version, Architecture.CNN_V1)) {
      float[] expected = model.predict(model.normalizer().normalizeAll(fitted.pixels(), 0, 1), 1);
      assertThat(out.get(0).value().getProbabilities()).containsExactly(boxed(expected));
    }
  }

  @Test
  void shouldFeedTheModelExactlyWhatItsInputContractPrescribes() throws Exception {
    // Given a model whose contract standardizes (mean 0.1307, std 0.3081), not the default 1/255
    app = TopologyHarness.start();
    ModelVersion standardized = TestModelRecords.standardizedMlp(5);
    app.publishModel(5, TestModelRecords.encode(standardized));
    List<ImageEvent> events =
        IntStream.range(0, 6).mapToObj(i -> TestEvents.raw28("n-" + i, null)).toList();

    // When they are classified in one batch
    events.forEach(e -> app.send(e.getEventId(), e));
    app.flush();
    List<Prediction> out = app.drainPredictions().stream().map(TestRecord::value).toList();

    // Then the probabilities are those of the same batch normalized by hand with InputNormalizer
    byte[] pixels = new byte[events.size() * 784];
    for (int i = 0; i < events.size(); i++) {
      events.get(i).getPixels().duplicate().get(pixels, i * 784, 784);
    }
    try (LoadedModel model = LoadedModel.load(standardized, Architecture.MLP_V1)) {
      float[] byHand =
          model.predict(
              new InputNormalizer(standardized.getInputContract())
                  .normalizeAll(pixels, 0, events.size()),
              events.size());
      float[] wrongContract =
          model.predict(
              new InputNormalizer(InputContracts.scaledToUnit())
                  .normalizeAll(pixels, 0, events.size()),
              events.size());
      List<Float> served = out.stream().flatMap(p -> p.getProbabilities().stream()).toList();
      assertThat(served).containsExactly(boxed(byHand));
      assertThat(served).isNotEqualTo(List.of(boxed(wrongContract)));
    }
  }

  @Test
  void shouldHoldEventsUntilTheBatchIsFullOrTheMaxWaitPasses() throws Exception {
    app =
        TopologyHarness.start(
            Map.of("inference.batch.size", "4", "inference.batch.max-wait-ms", "60000"));
    app.publishModel(1, TestModelRecords.mlp(1));

    for (int i = 0; i < 3; i++) {
      app.send("k" + i, TestEvents.raw28("b-" + i, null));
    }
    assertThat(app.predictions.isEmpty()).as("a 3-event buffer waits").isTrue();
    assertThat(pendingStore()).hasSize(3);

    app.send("k3", TestEvents.raw28("b-3", null));
    assertThat(app.drainPredictions())
        .extracting(r -> r.value().getEventId())
        .containsExactly("b-0", "b-1", "b-2", "b-3");
    assertThat(pendingStore()).isEmpty();

    app.send("k4", TestEvents.raw28("b-4", null));
    app.driver.advanceWallClockTime(java.time.Duration.ofSeconds(59));
    assertThat(app.predictions.isEmpty()).isTrue();
    app.driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
    assertThat(app.drainPredictions())
        .extracting(r -> r.value().getEventId())
        .containsExactly("b-4");
    assertThat(app.meters.find("mnist.inference.batch.size").summary().max()).isEqualTo(4);
  }

  @Test
  void shouldKeepEachPendingEventInTheStoreUntilItsPredictionIsForwarded() throws Exception {
    app = TopologyHarness.start(Map.of("inference.batch.size", "100"));
    app.publishModel(1, TestModelRecords.mlp(1));

    app.send("a", TestEvents.raw28("s-1", 3));
    app.send("b", TestEvents.raw28("s-2", null));

    List<KeyValue<Long, PendingEvent>> pending = pendingStore();
    assertThat(pending).extracting(kv -> kv.value.eventId()).containsExactly("s-1", "s-2");
    assertThat(pending.get(0).value.pixels()).hasSize(784);
    assertThat(pending.get(0).value.label()).isEqualTo(3);
    assertThat(pending.get(0).value.sourceTopic()).isEqualTo(app.topicNames.images());

    app.flush();
    assertThat(app.drainPredictions()).hasSize(2);
    assertThat(pendingStore()).isEmpty();
  }

  @Test
  void shouldKeepEventsPendingWhileNoModelServesAndClassifyThemOnceOneDoes() throws Exception {
    app = TopologyHarness.start();

    app.send("k", TestEvents.raw28("early", null));
    app.flush();
    assertThat(app.predictions.isEmpty()).isTrue();
    assertThat(pendingStore()).hasSize(1);

    app.publishModel(2, TestModelRecords.mlp(2));
    app.flush();
    assertThat(app.drainPredictions())
        .extracting(r -> r.value().getEventId() + "@v" + r.value().getModelVersion())
        .containsExactly("early@v2");
  }

  @Test
  void shouldKeepTheOrderOfEventsOfOneKey() throws Exception {
    app = TopologyHarness.start(Map.of("inference.batch.size", "7"));
    app.publishModel(1, TestModelRecords.mlp(1));
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String id = "o-" + i;
      sent.add(id);
      app.send(i % 2 == 0 ? "same-key" : "other-" + i, TestEvents.raw28(id, null));
    }
    app.flush();

    assertThat(app.drainPredictions())
        .filteredOn(r -> new String(r.key()).equals("same-key"))
        .extracting(r -> r.value().getEventId())
        .containsExactlyElementsOf(
            sent.stream().filter(id -> Integer.parseInt(id.substring(2)) % 2 == 0).toList());
  }

  @Test
  void shouldCountEveryEventInAsAPredictionOrADeadLetter() throws Exception {
    app = TopologyHarness.start(Map.of("inference.batch.size", "8"));
    app.publishModel(1, TestModelRecords.mlp(1));
    int good = 0;
    int bad = 0;
    for (int i = 0; i < 60; i++) {
      switch (i % 6) {
        case 0 -> {
          app.sendRaw(TestEvents.key("k" + i), new byte[0]);
          bad++;
        }
        case 1 -> {
          app.send(null, TestEvents.raw28("m-" + i, null));
          bad++;
        }
        case 2 -> {
          app.send("k" + i, TestEvents.raw28("m-" + i, 12));
          bad++;
        }
        default -> {
          app.send("k" + i, TestEvents.raw28("m-" + i, i % 10));
          good++;
        }
      }
    }
    app.flush();

    assertThat(app.drainPredictions()).hasSize(good);
    assertThat(app.deadLetters.readRecordsToList())
        .extracting(r -> r.value().getReason())
        .containsOnly(
            DeadLetterReason.EMPTY_VALUE,
            DeadLetterReason.MISSING_KEY,
            DeadLetterReason.INVALID_LABEL)
        .hasSize(bad);
    double in = app.counter("mnist.events.in");
    assertThat(in).isEqualTo(60);
    assertThat(in)
        .isEqualTo(app.counterSum("mnist.predictions") + app.counterSum("mnist.dead.letters"));
  }

  private List<KeyValue<Long, PendingEvent>> pendingStore() {
    KeyValueStore<Long, PendingEvent> store =
        app.driver.getKeyValueStore(ClassifierTopology.PENDING_STORE);
    List<KeyValue<Long, PendingEvent>> entries = new ArrayList<>();
    try (KeyValueIterator<Long, PendingEvent> it = store.all()) {
      it.forEachRemaining(entries::add);
    }
    return entries;
  }

  private static Float[] boxed(float[] values) {
    Float[] out = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
