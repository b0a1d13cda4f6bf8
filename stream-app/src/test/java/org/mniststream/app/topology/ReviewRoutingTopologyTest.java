package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.testing.TopologyHarness;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.ReviewReason;
import org.mniststream.schemas.ReviewRequest;
import org.mniststream.schemas.Route;

/**
 * Uncertainty routing: an ACTIVE or CANARY prediction below {@code review.confidence-threshold}
 * also goes to the review topic; the predictions topic is unchanged.
 */
class ReviewRoutingTopologyTest {
  private static final int EVENTS = 200;
  private TopologyHarness app;

  @AfterEach
  void closeDriver() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldReviewExactlyThePredictionsBelowTheThresholdAndServeEveryEventAllTheSame()
      throws Exception {
    // Given the confidences of a deterministic model, measured with review disabled (0)
    List<Prediction> unreviewed = run(Map.of("review.confidence-threshold", "0"), 1L, null);
    assertThat(app.review.isEmpty()).as("a threshold of 0 reviews nothing").isTrue();
    assertThat(app.counter("mnist.review.requests")).isZero();
    float[] confidences = new float[unreviewed.size()];
    for (int i = 0; i < confidences.length; i++) {
      confidences[i] = unreviewed.get(i).getConfidence();
    }
    Arrays.sort(confidences);
    float median = confidences[confidences.length / 2];
    app.close();

    // When the same events are classified with the median confidence as the threshold
    List<Prediction> served =
        run(Map.of("review.confidence-threshold", Float.toString(median)), 1L, null);
    List<TestRecord<byte[], ReviewRequest>> reviews = app.review.readRecordsToList();

    // Then every event still has its prediction, unchanged but for processedAt and latency
    assertThat(served).extracting(Prediction::getEventId).hasSize(EVENTS).doesNotHaveDuplicates();
    assertThat(served)
        .extracting(Prediction::getConfidence)
        .containsExactlyElementsOf(unreviewed.stream().map(Prediction::getConfidence).toList());
    // and exactly those below the threshold (about half) are also on the review topic
    Set<String> below =
        served.stream()
            .filter(p -> p.getConfidence() < median)
            .map(Prediction::getEventId)
            .collect(Collectors.toSet());
    assertThat(below).hasSizeBetween(1, EVENTS - 1);
    assertThat(reviews)
        .extracting(r -> r.value().getEventId())
        .containsExactlyInAnyOrderElementsOf(below);
    assertThat(app.counter("mnist.review.requests")).isEqualTo(below.size());

    // each with the prediction's figures, the image the model saw and the original's coordinates
    Map<String, Prediction> byId =
        served.stream().collect(Collectors.toMap(Prediction::getEventId, p -> p));
    for (TestRecord<byte[], ReviewRequest> r : reviews) {
      ReviewRequest review = r.value();
      Prediction p = byId.get(review.getEventId());
      assertThat(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo(review.getEventId());
      assertThat(review.getReason()).isEqualTo(ReviewReason.LOW_CONFIDENCE);
      assertThat(review.getThreshold()).isEqualTo(median);
      assertThat(review.getRoute()).isEqualTo("ACTIVE");
      assertThat(review.getModelVersion()).isEqualTo(1L);
      assertThat(review.getPredictedClass()).isEqualTo(p.getPredictedClass());
      assertThat(review.getConfidence()).isEqualTo(p.getConfidence()).isLessThan(median);
      assertThat(review.getProbabilities()).isEqualTo(p.getProbabilities());
      assertThat(review.getEventTime()).isEqualTo(p.getEventTime());
      assertThat(review.getRequestedAt()).isEqualTo(p.getProcessedAt());
      assertThat(review.getWidth()).isEqualTo(28);
      assertThat(review.getHeight()).isEqualTo(28);
      byte[] pixels = new byte[review.getPixels().remaining()];
      review.getPixels().get(pixels);
      assertThat(pixels)
          .isEqualTo(TestEvents.digitLike(review.getEventId(), 28, 28))
          .as("a 28x28 RAW_GRAY8 event reaches the model as it came");
      assertThat(review.getSourceTopic()).isEqualTo(app.topicNames.images());
      assertThat(review.getSourceOffset()).isNotNegative();
    }
  }

  @Test
  void shouldReviewEveryServedPredictionAtThresholdOneButNeverAShadowOrBaselineOne()
      throws Exception {
    // Given a 50 % canary of version 2 (every canary event paired) and a shadow version 3
    List<Prediction> served = run(Map.of("review.confidence-threshold", "1"), 2L, 3L);
    List<Prediction> shadowTopic = app.shadowPredictions.readValuesToList();
    List<ReviewRequest> reviews = app.review.readValuesToList();

    // Then the served predictions, both routes, are all reviewed, once each
    assertThat(served).extracting(Prediction::getRoute).contains(Route.ACTIVE, Route.CANARY);
    assertThat(shadowTopic).extracting(Prediction::getRoute).contains(Route.SHADOW, Route.BASELINE);
    assertThat(reviews)
        .extracting(
            ReviewRequest::getEventId, ReviewRequest::getRoute, ReviewRequest::getModelVersion)
        .containsExactlyInAnyOrderElementsOf(
            served.stream()
                .map(
                    p ->
                        org.assertj.core.groups.Tuple.tuple(
                            p.getEventId(), p.getRoute().name(), p.getModelVersion()))
                .toList());
    assertThat(reviews).extracting(ReviewRequest::getModelVersion).doesNotContain(3L);
    // and in = out + dead letters still holds on the predictions topic
    assertThat(app.counter("mnist.events.in")).isEqualTo(EVENTS);
    assertThat(served).hasSize(EVENTS);
    assertThat(app.deadLetters.isEmpty()).isTrue();
  }

  /** Starts a harness with versions 1 (active), optionally a 50 % canary and a shadow. */
  private List<Prediction> run(Map<String, String> config, long canary, Long shadow)
      throws Exception {
    app = TopologyHarness.start(config);
    app.publishModel(1, TestModelRecords.mlp(1));
    if (canary != 1L) {
      app.publishModel(canary, TestModelRecords.mlp(canary));
    }
    if (shadow != null) {
      app.publishModel(shadow, TestModelRecords.mlp(shadow));
    }
    app.rollout(
        TestEvents.rollout(1L, canary == 1L ? null : canary, canary == 1L ? 0 : 50, shadow));
    for (int i = 0; i < EVENTS; i++) {
      app.send("r-" + i, TestEvents.raw28("r-" + i, null));
    }
    app.flush();
    return app.predictions.readValuesToList();
  }
}
