package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mniststream.app.StreamAppCli;
import org.mniststream.app.models.CanarySplit;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.kafka.FreePorts;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.Route;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.training.SubsetModels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet on a real broker, under a steady load with a canary: one instance, scaled to three, one
 * of them killed with kill -9, then scaled back down. Exactly once throughout (every event one
 * prediction, none twice), every key routed the way the canary split says whichever instance served
 * it, and the killed instance's partitions served again by the others within the bound.
 */
class FleetIT {
  private static final Logger LOG = LoggerFactory.getLogger(FleetIT.class);
  private static final int PARTITIONS = 6;
  private static final int CANARY_PERCENT = 30;

  /** Events/s; {@code -Dfleet.rate=500} for the figure (200 keeps CI's two cores calm). */
  private static final double RATE = Double.parseDouble(System.getProperty("fleet.rate", "200"));

  /** Brokers: {@code -Dfleet.brokers=3} runs the same on a three-node cluster. */
  private static final int BROKERS = Integer.getInteger("fleet.brokers", 1);

  /**
   * The resume bound asserted here: the app's 6 s session timeout bounds how long the group waits
   * for the killed member, and its open transaction is aborted after the same 6 s; then a rebalance
   * and a restore. 20 s leaves room for three app JVMs, a broker, the build and this test sharing
   * two cores (measured: docs/RELIABILITY.md, "A fleet of app instances").
   */
  private static final Duration RESUME_BOUND = Duration.ofSeconds(20);

  @Test
  void shouldStayExactlyOnceAndRouteEveryKeyTheSameWayWhileScalingAndLosingAnInstance()
      throws Exception {
    IdxDataset test = SubsetModels.subsetData().test();
    try (KafkaFixture kafka =
            BROKERS == 1 ? KafkaFixture.start() : KafkaFixture.startCluster(BROKERS);
        StackHarness stack = new StackHarness(kafka, PARTITIONS);
        TopicContents<Prediction> predictions = stack.predictions();
        ImageEventSource source = stack.source("fleet")) {
      // Given v1 active and v2 (the same weights published again) as a 30 % canary
      assertThat(stack.publish(SubsetModels.subsetMlpDir())).isZero();
      assertThat(stack.publish(SubsetModels.subsetMlpDir())).isZero();
      assertThat(
              rollout(
                  stack,
                  "--pin",
                  "1",
                  "--canary",
                  "2",
                  "--percent",
                  Integer.toString(CANARY_PERCENT)))
          .isEqualTo(StreamAppCli.OK);
      stack.startApp("app-1", FreePorts.loopback(), List.of("instance.id=app-1"));

      // When events flow at a steady rate while the fleet changes under them
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Long> sending =
          CompletableFuture.supplyAsync(
              () -> source.send(test, "fleet", Long.MAX_VALUE, RATE, stop::get, n -> {}));
      Thread.sleep(4_000);
      ChildJvm app2 = stack.startApp("app-2", FreePorts.loopback(), List.of("instance.id=app-2"));
      ChildJvm app3 = stack.startApp("app-3", FreePorts.loopback(), List.of("instance.id=app-3"));
      Thread.sleep(6_000);
      long killedAt = System.currentTimeMillis();
      app2.kill();
      Thread.sleep(20_000);
      app3.stop(ChildJvm.DEFAULT_STOP_TIMEOUT); // scale back down: app-1 alone again
      Thread.sleep(4_000);
      stop.set(true);
      long sent = sending.get();
      assertThat(source.failed()).isZero();

      // Then every event has exactly one prediction
      StackHarness.awaitCount(predictions::size, sent, Duration.ofMinutes(2));
      List<TopicContents.Entry<Prediction>> all = predictions.entries();
      assertThat(all.stream().map(e -> e.value().getEventId()).distinct().count()).isEqualTo(sent);
      assertThat(all).hasSize((int) sent);

      // and every key went the way the canary split says, whichever instance served it
      for (TopicContents.Entry<Prediction> e : all) {
        Route expected =
            CanarySplit.isCanary(e.key(), CANARY_PERCENT) ? Route.CANARY : Route.ACTIVE;
        assertThat(e.value().getRoute())
            .as("route of %s", new String(e.key(), StandardCharsets.UTF_8))
            .isEqualTo(expected);
      }
      long canary = all.stream().filter(e -> e.value().getRoute() == Route.CANARY).count();
      assertThat(100.0 * canary / sent).isBetween(CANARY_PERCENT - 10.0, CANARY_PERCENT + 10.0);

      // and the partitions of the killed instance were served again within the bound
      Duration resumed = longestGapSpanning(all, killedAt);
      LOG.info(
          "{} events/s on {} broker(s): {} events, {} predictions through scale 1 -> 3, kill -9,"
              + " scale -> 1; after the kill the longest silence of a prediction partition was {}"
              + " ms",
          RATE,
          BROKERS,
          sent,
          all.size(),
          resumed.toMillis());
      assertThat(resumed).isLessThan(RESUME_BOUND);
    }
  }

  /**
   * The longest gap between two arrivals on the same predictions partition that spans {@code at}
   * (the partitions of the killed instance fall silent until another takes them over).
   */
  private static Duration longestGapSpanning(
      List<TopicContents.Entry<Prediction>> entries, long at) {
    Map<Integer, List<Long>> byPartition =
        entries.stream()
            .collect(
                Collectors.groupingBy(
                    TopicContents.Entry::partition,
                    Collectors.mapping(TopicContents.Entry::arrivedAtMillis, Collectors.toList())));
    long longest = 0;
    for (List<Long> arrivals : byPartition.values()) {
      List<Long> sorted = new ArrayList<>(arrivals);
      sorted.sort(Comparator.naturalOrder());
      for (int i = 1; i < sorted.size(); i++) {
        if (sorted.get(i - 1) <= at && sorted.get(i) >= at) {
          longest = Math.max(longest, sorted.get(i) - sorted.get(i - 1));
        }
      }
    }
    return Duration.ofMillis(longest);
  }

  private static int rollout(StackHarness stack, String... args) {
    List<String> all = new ArrayList<>(List.of("rollout"));
    all.addAll(List.of(args));
    all.addAll(List.of("--set", "bootstrap.servers=" + stack.kafka.bootstrapServers()));
    stack.topicSettings().forEach(s -> all.addAll(List.of("--set", s)));
    return StreamAppCli.execute(all.toArray(String[]::new));
  }
}
