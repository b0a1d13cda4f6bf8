package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mniststream.dashboard.TestRecords.T0;
import static org.mniststream.dashboard.TestRecords.deadLetter;
import static org.mniststream.dashboard.TestRecords.prediction;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.Route;

class AggregatesTest {
  private TestRecords.MutableClock clock;
  private ImageCache images;
  private Aggregates aggregates;

  @BeforeEach
  void setUp() {
    clock = new TestRecords.MutableClock(T0);
    images = new ImageCache(100);
    aggregates = new Aggregates(clock, images);
  }

  private Map<?, ?> snapshot() {
    Json j = new Json().beginObject();
    aggregates.write(j);
    return (Map<?, ?>) JsonReader.parse(j.endObject().toString());
  }

  private static double num(Object o) {
    return ((BigDecimal) o).doubleValue();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  @Test
  void shouldComputeEventsPerSecondOverTheLastCompleteSeconds() {
    // Given 30 predictions in each of the 10 seconds before now, and some in the current second
    clock.set(T0.plusSeconds(100));
    for (int s = 1; s <= 10; s++) {
      for (int i = 0; i < 30; i++) {
        aggregates.prediction(prediction("e" + s + "-" + i, 1, 1, T0.plusSeconds(100 - s)), false);
      }
    }
    for (int i = 0; i < 500; i++) {
      aggregates.prediction(prediction("now-" + i, 1, 1, T0.plusSeconds(100)), false);
    }

    // Then the rate counts only the complete seconds
    Map<?, ?> window = map(snapshot().get("window"));
    assertThat(num(window.get("eventsPerSecond"))).isEqualTo(30.0);
    Map<?, ?> series = map(snapshot().get("series"));
    List<?> perSecond = list(series.get("predictions"));
    assertThat(perSecond).hasSize(RollingWindow.SECONDS - 1);
    assertThat(perSecond.subList(perSecond.size() - 10, perSecond.size()))
        .allSatisfy(n -> assertThat(num(n)).isEqualTo(30.0));
    assertThat(num(series.get("start"))).isEqualTo(T0.plusSeconds(100).getEpochSecond() - 299);
  }

  @Test
  void shouldForgetSecondsThatLeftTheFiveMinuteWindowAndClampFutureTimestamps() {
    clock.set(T0.plusSeconds(1_000));
    aggregates.prediction(prediction("old", 1, 1, T0.plusSeconds(1_000 - 301)), false);
    aggregates.prediction(prediction("future", 1, 1, T0.plusSeconds(5_000)), false);

    Map<?, ?> s = snapshot();
    assertThat(num(map(s.get("totals")).get("predictions"))).isEqualTo(2.0);
    List<?> perSecond = list(map(s.get("series")).get("predictions"));
    assertThat(perSecond.stream().mapToDouble(AggregatesTest::num).sum()).isZero();

    // the future one was filed under the current second, which completes a second later
    clock.advanceMillis(1_000);
    perSecond = list(map(snapshot().get("series")).get("predictions"));
    assertThat(num(perSecond.get(perSecond.size() - 1))).isEqualTo(1.0);
  }

  @Test
  void shouldReuseRingSlotsAfterTheWindowWrapsAround() {
    clock.set(T0);
    aggregates.prediction(prediction("a", 1, 1, T0.minusSeconds(1)), false);
    clock.set(T0.plusSeconds(RollingWindow.SECONDS));
    // same slot, 300 s later: the old count must not leak into the new second
    aggregates.prediction(prediction("b", 1, 1, T0.plusSeconds(RollingWindow.SECONDS - 1)), false);

    List<?> perSecond = list(map(snapshot().get("series")).get("predictions"));
    assertThat(perSecond.stream().mapToDouble(AggregatesTest::num).sum()).isEqualTo(1.0);
  }

  @Test
  void shouldComputeEndToEndAndInAppLatencyPercentiles() {
    clock.set(T0.plusSeconds(10));
    // 98 events at 10 ms end to end, 2 at 500 ms; in-app 2 ms for all
    for (int i = 0; i < 100; i++) {
      long e2eMs = i < 98 ? 10 : 500;
      Instant at = T0.plusSeconds(5);
      aggregates.prediction(
          prediction("l" + i, 1, Route.ACTIVE, 1, null, at.minusMillis(e2eMs), at, 2_000), false);
    }

    Map<?, ?> window = map(snapshot().get("window"));
    assertThat(num(window.get("e2eP50Ms"))).isCloseTo(10.0, within(0.3));
    assertThat(num(window.get("e2eP99Ms"))).isCloseTo(500.0, within(13.0));
    assertThat(num(window.get("appP50Ms"))).isCloseTo(2.0, within(0.06));
    assertThat(num(window.get("appP99Ms"))).isCloseTo(2.0, within(0.06));
    List<?> p99 = list(map(snapshot().get("series")).get("p99"));
    assertThat(num(p99.get(p99.size() - 5))).isCloseTo(500.0, within(13.0));
    assertThat(p99.get(p99.size() - 1)).isNull(); // a second without predictions has no percentile
  }

  @Test
  void shouldMeasureLiveAccuracyPerVersionAndRouteIncludingShadow() {
    Instant at = T0;
    // v1 ACTIVE: 3 of 4 right; v2 CANARY: 1 of 2; v3 SHADOW: 2 of 2; unlabelled ones do not count
    aggregates.prediction(prediction("a", 1, Route.ACTIVE, 3, 3, at, at, 1), false);
    aggregates.prediction(prediction("b", 1, Route.ACTIVE, 4, 4, at, at, 1), false);
    aggregates.prediction(prediction("c", 1, Route.ACTIVE, 5, 5, at, at, 1), false);
    aggregates.prediction(prediction("d", 1, Route.ACTIVE, 5, 6, at, at, 1), false);
    aggregates.prediction(prediction("e", 1, Route.ACTIVE, 5, null, at, at, 1), false);
    aggregates.prediction(prediction("f", 2, Route.CANARY, 7, 7, at, at, 1), false);
    aggregates.prediction(prediction("g", 2, Route.CANARY, 1, 7, at, at, 1), false);
    aggregates.prediction(prediction("a", 3, Route.ACTIVE, 3, 3, at, at, 1), true);
    aggregates.prediction(prediction("d", 3, Route.ACTIVE, 6, 6, at, at, 1), true);

    Map<?, ?> s = snapshot();
    assertThat(list(s.get("accuracy")))
        .extracting(
            r ->
                map(r).get("version")
                    + "/"
                    + map(r).get("route")
                    + "="
                    + map(r).get("correct")
                    + "/"
                    + map(r).get("labelled"))
        .containsExactly("1/ACTIVE=3/4", "2/CANARY=1/2", "3/SHADOW=2/2");
    Map<?, ?> totals = map(s.get("totals"));
    // served predictions only: shadow ones do not count twice
    assertThat(num(totals.get("predictions"))).isEqualTo(7.0);
    assertThat(num(totals.get("shadowPredictions"))).isEqualTo(2.0);
    assertThat(num(totals.get("labelled"))).isEqualTo(6.0);
    assertThat(num(totals.get("correct"))).isEqualTo(4.0);
    assertThat(num(totals.get("accuracy"))).isCloseTo(4.0 / 6, within(1e-9));
  }

  @Test
  void shouldFillTheConfusionMatrixFromLabelledServedPredictions() {
    aggregates.prediction(prediction("a", 7, 7, T0), false);
    aggregates.prediction(prediction("b", 7, 7, T0), false);
    aggregates.prediction(prediction("c", 1, 7, T0), false);
    aggregates.prediction(prediction("d", 4, 9, T0), false);
    aggregates.prediction(prediction("e", 4, null, T0), false); // no label: not in the matrix
    aggregates.prediction(prediction("f", 0, 0, T0), true); // shadow: not served

    List<?> rows = list(snapshot().get("confusion"));
    assertThat(rows).hasSize(10).allSatisfy(r -> assertThat(list(r)).hasSize(10));
    long[][] m = new long[10][10];
    for (int t = 0; t < 10; t++) {
      for (int p = 0; p < 10; p++) {
        m[t][p] = (long) num(list(rows.get(t)).get(p));
      }
    }
    long[][] expected = new long[10][10];
    expected[7][7] = 2;
    expected[7][1] = 1;
    expected[9][4] = 1;
    assertThat(m).isDeepEqualTo(expected);
  }

  @Test
  void shouldCountDeadLettersByReasonMostFrequentFirstAndKeepTheLatestFew() {
    for (int i = 0; i < 3; i++) {
      aggregates.deadLetter(deadLetter("m" + i, DeadLetterReason.MISSING_KEY, T0));
    }
    for (int i = 0; i < 10; i++) {
      aggregates.deadLetter(deadLetter("p" + i, DeadLetterReason.PNG_DECODE_FAILED, T0));
    }

    Map<?, ?> dead = map(snapshot().get("deadLetters"));
    assertThat(num(dead.get("total"))).isEqualTo(13.0);
    assertThat(map(dead.get("byReason")).keySet())
        .containsExactly("PNG_DECODE_FAILED", "MISSING_KEY");
    assertThat(list(dead.get("latest")))
        .hasSize(Aggregates.DEAD_LETTER_SAMPLES)
        .first()
        .satisfies(l -> assertThat(map(l).get("eventId")).isEqualTo("p9"));
  }

  @Test
  void shouldKeepTheLatestPredictionsWithThumbnailsEvenWhenTheImageArrivesAfter() {
    // Given one image before its prediction, and one after (two topics: no order between them)
    aggregates.image(TestRecords.rawImage("early", 28, (byte) 200));
    aggregates.prediction(prediction("early", 3, 3, T0), false);
    aggregates.prediction(prediction("late", 5, 6, T0), false);
    aggregates.image(TestRecords.rawImage("late", 280, (byte) 100));

    List<?> recent = list(snapshot().get("recent"));

    assertThat(recent).extracting(r -> map(r).get("eventId")).containsExactly("late", "early");
    assertThat(recent)
        .allSatisfy(
            r -> {
              assertThat(num(map(r).get("width"))).isEqualTo(28.0);
              assertThat(java.util.Base64.getDecoder().decode((String) map(r).get("pixels")))
                  .hasSize(784);
            });
  }

  @Test
  void shouldKeepOnlyTheLatestTwentyFourPredictions() {
    for (int i = 0; i < 100; i++) {
      aggregates.prediction(prediction("p" + i, 1, 1, T0), false);
    }

    List<?> recent = list(snapshot().get("recent"));

    assertThat(recent).hasSize(Aggregates.RECENT);
    assertThat(map(recent.get(0)).get("eventId")).isEqualTo("p99");
    assertThat(map(recent.get(23)).get("eventId")).isEqualTo("p76");
  }

  @Test
  void shouldReportTheOutcomeOfADrawnDigitOnce() {
    aggregates.drawnSent("drawn-1");
    aggregates.drawnSent("drawn-2");

    Optional<String> first = aggregates.prediction(prediction("drawn-1", 7, null, T0), false);
    Optional<String> again = aggregates.prediction(prediction("drawn-1", 7, null, T0), false);
    Optional<String> other = aggregates.prediction(prediction("someone-else", 7, null, T0), false);
    Optional<String> dead =
        aggregates.deadLetter(deadLetter("drawn-2", DeadLetterReason.PNG_DECODE_FAILED, T0));

    assertThat(first).isPresent();
    Map<?, ?> outcome = map(JsonReader.parse(first.get()));
    assertThat(outcome.get("eventId")).isEqualTo("drawn-1");
    assertThat(outcome.get("status")).isEqualTo("classified");
    assertThat(num(outcome.get("predicted"))).isEqualTo(7.0);
    assertThat(list(outcome.get("probabilities"))).hasSize(10);
    assertThat(again).isEmpty();
    assertThat(other).isEmpty();
    assertThat(map(JsonReader.parse(dead.orElseThrow())).get("reason"))
        .isEqualTo("PNG_DECODE_FAILED");
    assertThat(list(snapshot().get("drawn")))
        .extracting(d -> map(d).get("eventId") + ":" + map(d).get("status"))
        .containsExactly("drawn-2:dead-lettered", "drawn-1:classified");
  }

  @Test
  void shouldForgetADrawnDigitThatCouldNotBeSent() {
    aggregates.drawnSent("x");
    aggregates.drawnFailed("x");

    assertThat(aggregates.prediction(prediction("x", 1, null, T0), false)).isEmpty();
    assertThat(list(snapshot().get("drawn"))).isEmpty();
  }

  @Test
  void shouldCountUndecodableRecordsPerTopic() {
    aggregates.undecodable("mnist.image-events");
    aggregates.undecodable("mnist.image-events");

    assertThat(map(map(snapshot().get("totals")).get("undecodable")))
        .containsEntry("mnist.image-events", new BigDecimal("2"));
  }
}
