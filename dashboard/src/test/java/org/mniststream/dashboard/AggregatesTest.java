package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.mniststream.dashboard.TestRecords.T0;
import static org.mniststream.dashboard.TestRecords.deadLetter;
import static org.mniststream.dashboard.TestRecords.prediction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.Route;
import org.mniststream.schemas.json.JsonCodec;

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

  /** The snapshot as the page gets it: written by Jackson, parsed back. */
  private JsonNode snapshot() {
    return json(aggregates.snapshot());
  }

  static JsonNode json(Object value) {
    try {
      return JsonCodec.readTree(JsonCodec.write(value));
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  private static double num(JsonNode n) {
    assertThat(n.isNumber()).as("%s is a number", n).isTrue();
    return n.doubleValue();
  }

  static List<JsonNode> list(JsonNode array) {
    assertThat(array.isArray()).as("%s is an array", array).isTrue();
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
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
    JsonNode window = snapshot().get("window");
    assertThat(num(window.get("eventsPerSecond"))).isEqualTo(30.0);
    JsonNode series = snapshot().get("series");
    List<JsonNode> perSecond = list(series.get("predictions"));
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

    JsonNode s = snapshot();
    assertThat(num(s.get("totals").get("predictions"))).isEqualTo(2.0);
    List<JsonNode> perSecond = list(s.get("series").get("predictions"));
    assertThat(perSecond.stream().mapToDouble(AggregatesTest::num).sum()).isZero();

    // the future one was filed under the current second, which completes a second later
    clock.advanceMillis(1_000);
    perSecond = list(snapshot().get("series").get("predictions"));
    assertThat(num(perSecond.get(perSecond.size() - 1))).isEqualTo(1.0);
  }

  @Test
  void shouldReuseRingSlotsAfterTheWindowWrapsAround() {
    clock.set(T0);
    aggregates.prediction(prediction("a", 1, 1, T0.minusSeconds(1)), false);
    clock.set(T0.plusSeconds(RollingWindow.SECONDS));
    // same slot, 300 s later: the old count must not leak into the new second
    aggregates.prediction(prediction("b", 1, 1, T0.plusSeconds(RollingWindow.SECONDS - 1)), false);

    List<JsonNode> perSecond = list(snapshot().get("series").get("predictions"));
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

    JsonNode window = snapshot().get("window");
    assertThat(num(window.get("e2eP50Ms"))).isCloseTo(10.0, within(0.3));
    assertThat(num(window.get("e2eP99Ms"))).isCloseTo(500.0, within(13.0));
    assertThat(num(window.get("appP50Ms"))).isCloseTo(2.0, within(0.06));
    assertThat(num(window.get("appP99Ms"))).isCloseTo(2.0, within(0.06));
    List<JsonNode> p99 = list(snapshot().get("series").get("p99"));
    assertThat(num(p99.get(p99.size() - 5))).isCloseTo(500.0, within(13.0));
    assertThat(p99.get(p99.size() - 1).isNull()).isTrue(); // a second without predictions: none
  }

  @Test
  void shouldMeasureLiveAccuracyPerVersionAndRouteIncludingShadowButNotPairedBaseline() {
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
    // the active version scoring a canary event on the shadow topic: neither shadow nor served
    aggregates.prediction(prediction("f", 1, Route.BASELINE, 2, 7, at, at, 1), true);

    JsonNode s = snapshot();
    assertThat(list(s.get("accuracy")))
        .extracting(
            r ->
                r.get("version").asText()
                    + "/"
                    + r.get("route").asText()
                    + "="
                    + r.get("correct")
                    + "/"
                    + r.get("labelled"))
        .containsExactly("1/ACTIVE=3/4", "2/CANARY=1/2", "3/SHADOW=2/2");
    JsonNode totals = s.get("totals");
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

    List<JsonNode> rows = list(snapshot().get("confusion"));
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

    JsonNode dead = snapshot().get("deadLetters");
    assertThat(num(dead.get("total"))).isEqualTo(13.0);
    assertThat(dead.get("byReason").fieldNames())
        .toIterable()
        .containsExactly("PNG_DECODE_FAILED", "MISSING_KEY");
    assertThat(list(dead.get("latest")))
        .hasSize(Aggregates.DEAD_LETTER_SAMPLES)
        .first()
        .satisfies(l -> assertThat(l.get("eventId").textValue()).isEqualTo("p9"));
  }

  @Test
  void shouldKeepTheLatestPredictionsWithThumbnailsEvenWhenTheImageArrivesAfter() {
    // Given one image before its prediction, and one after (two topics: no order between them)
    aggregates.image(TestRecords.rawImage("early", 28, (byte) 200));
    aggregates.prediction(prediction("early", 3, 3, T0), false);
    aggregates.prediction(prediction("late", 5, 6, T0), false);
    aggregates.image(TestRecords.rawImage("late", 280, (byte) 100));

    List<JsonNode> recent = list(snapshot().get("recent"));

    assertThat(recent)
        .extracting(r -> r.get("eventId").textValue())
        .containsExactly("late", "early");
    assertThat(recent)
        .allSatisfy(
            r -> {
              assertThat(num(r.get("width"))).isEqualTo(28.0);
              assertThat(java.util.Base64.getDecoder().decode(r.get("pixels").textValue()))
                  .hasSize(784);
            });
  }

  @Test
  void shouldKeepOnlyTheLatestTwentyFourPredictions() {
    for (int i = 0; i < 100; i++) {
      aggregates.prediction(prediction("p" + i, 1, 1, T0), false);
    }

    List<JsonNode> recent = list(snapshot().get("recent"));

    assertThat(recent).hasSize(Aggregates.RECENT);
    assertThat(recent.get(0).get("eventId").textValue()).isEqualTo("p99");
    assertThat(recent.get(23).get("eventId").textValue()).isEqualTo("p76");
  }

  @Test
  void shouldReportTheOutcomeOfADrawnDigitOnce() {
    aggregates.drawnSent("drawn-1");
    aggregates.drawnSent("drawn-2");

    Optional<Aggregates.DrawnOutcome> first =
        aggregates.prediction(prediction("drawn-1", 7, null, T0), false);
    Optional<Aggregates.DrawnOutcome> again =
        aggregates.prediction(prediction("drawn-1", 7, null, T0), false);
    Optional<Aggregates.DrawnOutcome> other =
        aggregates.prediction(prediction("someone-else", 7, null, T0), false);
    Optional<Aggregates.DrawnOutcome> dead =
        aggregates.deadLetter(deadLetter("drawn-2", DeadLetterReason.PNG_DECODE_FAILED, T0));

    assertThat(first).isPresent();
    JsonNode outcome = json(first.get());
    assertThat(outcome.get("eventId").textValue()).isEqualTo("drawn-1");
    assertThat(outcome.get("status").textValue()).isEqualTo("classified");
    assertThat(num(outcome.get("predicted"))).isEqualTo(7.0);
    assertThat(list(outcome.get("probabilities"))).hasSize(10);
    assertThat(again).isEmpty();
    assertThat(other).isEmpty();
    assertThat(json(dead.orElseThrow()).get("reason").textValue()).isEqualTo("PNG_DECODE_FAILED");
    assertThat(list(snapshot().get("drawn")))
        .extracting(d -> d.get("eventId").asText() + ":" + d.get("status").asText())
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

    JsonNode undecodable = snapshot().get("totals").get("undecodable");
    assertThat(undecodable.fieldNames()).toIterable().containsExactly("mnist.image-events");
    assertThat(undecodable.get("mnist.image-events").longValue()).isEqualTo(2);
  }
}
