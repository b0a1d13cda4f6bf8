package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.kafka.FreePorts;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.Prediction;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.training.SubsetModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole product on a real broker: models trained on the committed MNIST subset, published by
 * the trainer, served by the stream app running as its own JVM, fed by a real producer.
 */
class EndToEndIT {
  private static final Logger LOG = LoggerFactory.getLogger(EndToEndIT.class);
  private static KafkaFixture kafka;
  private static IdxDataset test;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = KafkaFixture.start();
    test = SubsetModels.subsetData().test();
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @Test
  void shouldPredictEveryGoodEventOnceAndDeadLetterEveryBadOne() throws Exception {
    try (StackHarness stack = new StackHarness(kafka);
        TopicContents<Prediction> predictions = stack.predictions();
        TopicContents<DeadLetter> deadLetters = stack.deadLetters();
        ImageEventSource source = stack.source("it")) {
      // Given a model with real accuracy, published by the trainer, and a running app
      assertThat(stack.publish(SubsetModels.subsetCnnDir())).isZero();
      stack.startApp("app", FreePorts.loopback(), List.of());

      // When good and bad events are interleaved
      int good = 400;
      MalformedEvents malformed = new MalformedEvents(7);
      Map<String, DeadLetterReason> expectedBad = new HashMap<>();
      for (int i = 0; i < good; i++) {
        source.sendOne(test, i, "good-" + i);
        if (i % 12 == 5) {
          MalformedEvents.Bad bad = malformed.next("e2e", expectedBad.size());
          source.sendRaw(bad.key(), bad.value());
          expectedBad.put("e2e-bad-" + expectedBad.size(), bad.expected());
        }
      }
      source.flush();

      // Then every good event has exactly one prediction and every bad one a dead letter
      StackHarness.awaitCount(predictions::size, good, Duration.ofMinutes(2));
      StackHarness.awaitCount(deadLetters::size, expectedBad.size(), Duration.ofMinutes(1));
      assertThat(predictions.values().stream().map(Prediction::getEventId))
          .containsExactlyInAnyOrderElementsOf(
              LongStream.range(0, good).mapToObj(i -> "good-" + i).toList());
      long correct =
          predictions.values().stream()
              .filter(p -> p.getLabel() != null && p.getLabel() == p.getPredictedClass())
              .count();
      assertThat((double) correct / good).isGreaterThan(0.85);

      Map<String, DeadLetterReason> actualBad =
          deadLetters.values().stream()
              .collect(
                  Collectors.toMap(
                      d ->
                          d.getOriginalKey() != null
                              ? StandardCharsets.UTF_8
                                  .decode(d.getOriginalKey().duplicate())
                                  .toString()
                              : d.getEventId(),
                      DeadLetter::getReason));
      assertThat(actualBad).isEqualTo(expectedBad);
      Thread.sleep(1_000); // nothing more may trickle in: in = out + dead letters, exactly
      assertThat(predictions.size() + deadLetters.size()).isEqualTo(good + expectedBad.size());
    }
  }

  @Test
  void shouldHotSwapUnderLoadWithoutLosingOrDuplicatingEvents() throws Exception {
    try (StackHarness stack = new StackHarness(kafka);
        TopicContents<Prediction> predictions = stack.predictions();
        ImageEventSource source = stack.source("it")) {
      assertThat(stack.publish(SubsetModels.subsetCnnDir())).isZero(); // v1: the CNN
      stack.startApp("app", FreePorts.loopback(), List.of());

      // When events flow continuously and v2 (the MLP: another architecture) is published
      int events = 1_500;
      CompletableFuture<Integer> publishV2 =
          CompletableFuture.supplyAsync(
              () -> stack.publish(SubsetModels.subsetMlpDir()),
              CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS));
      source.send(test, "swap", events, 200, () -> false, n -> {});
      // asserted here, on the test thread: a failed assertion on another thread fails no test
      assertThat(publishV2.get(1, TimeUnit.MINUTES)).as("v2 publish exit code").isZero();

      // Then each event has exactly one prediction, v1 before the swap and v2 after it
      StackHarness.awaitCount(predictions::size, events, Duration.ofMinutes(2));
      List<TopicContents.Entry<Prediction>> all = predictions.entries();
      Set<String> ids = new HashSet<>();
      all.forEach(e -> ids.add(e.value().getEventId()));
      assertThat(ids).hasSize(events);
      assertThat(all.stream().map(e -> e.value().getModelVersion()).distinct().sorted().toList())
          .containsExactly(1L, 2L);
      Map<Integer, List<TopicContents.Entry<Prediction>>> byPartition =
          all.stream()
              .collect(
                  Collectors.groupingBy(
                      TopicContents.Entry::partition, TreeMap::new, Collectors.toList()));
      for (var partition : byPartition.values()) {
        List<Long> versions =
            partition.stream()
                .sorted(Comparator.comparingLong(TopicContents.Entry::offset))
                .map(e -> e.value().getModelVersion())
                .toList();
        assertThat(versions).isSortedAccordingTo(Comparator.naturalOrder());
      }
      long maxGap = 0;
      List<Long> arrivals =
          all.stream().map(TopicContents.Entry::arrivedAtMillis).sorted().toList();
      for (int i = 1; i < arrivals.size(); i++) {
        maxGap = Math.max(maxGap, arrivals.get(i) - arrivals.get(i - 1));
      }
      // the app-side gap around the swap: predictions in the order they were made, within 2 s of
      // the first one by v2 (the start of the stream, with its cold first batches, is excluded)
      long firstV2 =
          all.stream()
              .filter(e -> e.value().getModelVersion() == 2L)
              .mapToLong(e -> e.value().getProcessedAt().toEpochMilli())
              .min()
              .orElseThrow();
      List<Long> made =
          all.stream()
              .map(e -> e.value().getProcessedAt().toEpochMilli())
              .filter(t -> Math.abs(t - firstV2) <= 2_000)
              .sorted()
              .toList();
      long maxServingGap = 0;
      for (int i = 1; i < made.size(); i++) {
        maxServingGap = Math.max(maxServingGap, made.get(i) - made.get(i - 1));
      }
      LOG.info(
          "hot swap under load: longest gap between prediction arrivals {} ms; between"
              + " predictions made (processedAt) within 2 s of the swap {} ms",
          maxGap,
          maxServingGap);
      // Both bounds are generous for a shared 2-core CI machine (the target and the measured
      // figures are in docs/BENCHMARKS.md). The serving gap's 1 s is ten times the target: a
      // swap that stalls the stream thread (a model loaded or warmed on it, a rebalance, a
      // restarted streams client) stops serving for seconds and fails here, scheduling noise
      // does not.
      assertThat(maxGap).isLessThan(3_000);
      assertThat(maxServingGap).as("serving gap around the swap, ms").isLessThan(1_000);
    }
  }

  @Test
  void shouldKeepExactlyOnePredictionPerEventAcrossAKillAndRestart() throws Exception {
    try (StackHarness stack = new StackHarness(kafka);
        TopicContents<Prediction> predictions = stack.predictions();
        ImageEventSource source = stack.source("it")) {
      assertThat(stack.publish(SubsetModels.subsetMlpDir())).isZero();
      int port = FreePorts.loopback();
      ChildJvm app = stack.startApp("app", port, List.of());

      int events = 1_200;
      source.send(test, "crash", events / 2, 300, () -> false, n -> {});
      app.kill(); // kill -9 mid-stream: buffered, uncommitted work dies with it
      source.send(test, "crash2", events / 2, 0, () -> false, n -> {});
      stack.startApp("app-restarted", port, List.of());

      StackHarness.awaitCount(predictions::size, events, Duration.ofMinutes(3));
      Thread.sleep(1_000);
      List<String> ids = predictions.values().stream().map(Prediction::getEventId).toList();
      assertThat(ids).doesNotHaveDuplicates().hasSize(events);
    }
  }
}
