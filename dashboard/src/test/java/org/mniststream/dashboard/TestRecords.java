package org.mniststream.dashboard;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.schemas.CalibrationBin;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.InstanceHeartbeat;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.Route;

/** Contract records and a settable clock for the unit tests. */
final class TestRecords {
  static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

  private TestRecords() {}

  static Prediction prediction(
      String id,
      long version,
      Route route,
      int predicted,
      Integer label,
      Instant eventTime,
      Instant processedAt,
      long latencyMicros) {
    List<Float> probs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      probs.add(i == predicted ? 0.91f : 0.01f);
    }
    return Prediction.newBuilder()
        .setEventId(id)
        .setEventTime(eventTime)
        .setModelName("mnist")
        .setModelVersion(version)
        .setPredictedClass(predicted)
        .setConfidence(0.91f)
        .setProbabilities(probs)
        .setRoute(route)
        .setLatencyMicros(latencyMicros)
        .setProcessedAt(processedAt)
        .setLabel(label)
        .build();
  }

  /** An ACTIVE prediction of version 1 made at {@code at}, 20 ms after its event. */
  static Prediction prediction(String id, int predicted, Integer label, Instant at) {
    return prediction(id, 1, Route.ACTIVE, predicted, label, at.minusMillis(20), at, 5_000);
  }

  static DeadLetter deadLetter(String eventId, DeadLetterReason reason, Instant at) {
    return DeadLetter.newBuilder()
        .setSourceTopic("mnist.image-events")
        .setPartition(0)
        .setOffset(42)
        .setEventId(eventId)
        .setReason(reason)
        .setMessage("bad " + reason)
        .setFailedAt(at)
        .build();
  }

  static ImageEvent rawImage(String id, int side, byte fill) {
    byte[] pixels = new byte[side * side];
    java.util.Arrays.fill(pixels, fill);
    return image(id, side, side, PixelEncoding.RAW_GRAY8, pixels);
  }

  static ImageEvent image(String id, int width, int height, PixelEncoding encoding, byte[] bytes) {
    return ImageEvent.newBuilder()
        .setEventId(id)
        .setSource("test")
        .setEventTime(T0)
        .setWidth(width)
        .setHeight(height)
        .setEncoding(encoding)
        .setPixels(ByteBuffer.wrap(bytes))
        .setAttributes(Map.of())
        .build();
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    void advanceMillis(long millis) {
      now = now.plusMillis(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /**
   * A heartbeat of a RUNNING instance sending every 2 s, serving v2 since {@code appliedAt}, routes
   * made by a record written at {@code recordAt} (both may be null).
   */
  static InstanceHeartbeat.Builder heartbeat(
      String id, Instant sentAt, Instant recordAt, Instant appliedAt) {
    return InstanceHeartbeat.newBuilder()
        .setInstanceId(id)
        .setApplicationId("mnist-stream")
        .setModelName("mnist")
        .setHttpAddress("http://" + id + ":8080")
        .setStartedAt(sentAt.minusSeconds(60))
        .setSentAt(sentAt)
        .setIntervalMs(2000)
        .setStreamsState("RUNNING")
        .setPartitions(List.of(0, 1))
        .setActiveVersion(2L)
        .setEventsPerSecond(41.25)
        .setLag(7L)
        .setRoutingCause("version 2 published")
        .setRoutingRecordAt(recordAt)
        .setRoutingAppliedAt(appliedAt);
  }

  /**
   * The {@code all} report of model {@code mnist}, {@code version} on {@code route}: {@code
   * correct} of {@code labelled}, a Wilson interval of plus or minus 0.5 points, calibration error
   * 0.012, p50 18 ms, p99 42 ms, and the given comparisons.
   */
  static QualityReport.Builder qualityReport(
      long version, String route, long labelled, long correct, PairedComparison... comparisons) {
    List<Long> confusion = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      confusion.add(0L);
    }
    List<CalibrationBin> bins = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      bins.add(new CalibrationBin(0L, 0L, 0L));
    }
    double accuracy = labelled == 0 ? 0 : (double) correct / labelled;
    return QualityReport.newBuilder()
        .setModelName("mnist")
        .setModelVersion(version)
        .setRoute(route)
        .setWindow("all")
        .setFirstPredictionAt(T0)
        .setLastLabelAt(T0.plusSeconds(60))
        .setLabelled(labelled)
        .setCorrect(correct)
        .setAccuracy(accuracy)
        .setAccuracyLow(round6(accuracy - 0.005))
        .setAccuracyHigh(round6(Math.min(1, accuracy + 0.005)))
        .setConfusion(confusion)
        .setConfidenceMicrosSum(0)
        .setMeanConfidence(0.97)
        .setCalibration(bins)
        .setCalibrationError(0.012)
        .setLatencyHistogram(ByteBuffer.wrap(new byte[0]))
        .setLatencyP50Ms(18)
        .setLatencyP99Ms(42)
        .setDuplicateLabels(0)
        .setConflictingLabels(0)
        .setLateLabels(0)
        .setComparisons(List.of(comparisons));
  }

  /** Figures the tests can write as literals. */
  private static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  /** The record key the quality app gives {@code r}. */
  static String qualityKey(QualityReport r) {
    return String.format(
        "%s/%010d/%s/%s", r.getModelName(), r.getModelVersion(), r.getRoute(), r.getWindow());
  }

  /** A comparison against {@code baseline} on ACTIVE: b and c discordant pairs of {@code pairs}. */
  static PairedComparison comparison(long baseline, long pairs, long b, long c, double pValue) {
    double difference = round6((double) (c - b) / pairs);
    return PairedComparison.newBuilder()
        .setBaselineVersion(baseline)
        .setBaselineRoute("ACTIVE")
        .setPairs(pairs)
        .setBaselineOnlyCorrect(b)
        .setChallengerOnlyCorrect(c)
        .setPValue(pValue)
        .setDifference(difference)
        .setDifferenceLow(round6(difference - 0.004))
        .setDifferenceHigh(round6(difference + 0.004))
        .build();
  }

  /**
   * The judge's rollout of candidate {@code candidate} against {@code baseline} in stage {@code
   * stage} of the default policy (shadow, canary-10, canary-50, active), as the judge writes it.
   */
  static ModelRollout judgedRollout(long candidate, long baseline, int stage, Instant startedAt) {
    return JudgedRollouts.forStage(
        "mnist",
        RolloutPolicies.defaultPolicy(),
        candidate,
        baseline,
        stage,
        startedAt,
        null,
        JudgedRollouts.JUDGE,
        "stage " + stage);
  }

  /** A decision of the judge ending stage {@code stage} of candidate 5 against 4. */
  static JudgeDecision decision(int stage, String action, String reason, Instant decidedAt) {
    return JudgeDecision.newBuilder()
        .setDecisionId(String.format("mnist/%010d/%d/%d", 5, stage, T0.toEpochMilli()))
        .setModelName("mnist")
        .setCandidateVersion(5)
        .setBaselineVersion(4)
        .setStage(stage)
        .setStageName(stage == 0 ? "shadow" : "canary-10")
        .setRoute(stage == 0 ? "SHADOW" : "CANARY")
        .setAction(action)
        .setNextStage("PROMOTE".equals(action) ? stage + 1 : null)
        .setNextStageName("PROMOTE".equals(action) ? "canary-10" : null)
        .setRule("PROMOTE".equals(action) ? "not-worse" : "worse")
        .setReason(reason)
        .setDecidedAt(decidedAt)
        .setStageStartedAt(T0)
        .setInputKey("mnist/0000000005/SHADOW/all")
        .setLabelled(1200)
        .setPairs(1100)
        .setBaselineOnlyCorrect(3)
        .setChallengerOnlyCorrect(9)
        .setDifference(6.0 / 1100)
        .setEvidenceWorse(0.02)
        .setEvidenceNotWorse(57.5)
        .setThreshold(40.0)
        .setPolicyMaxAccuracyDrop(0.01)
        .setPolicyAlpha(0.05)
        .build();
  }
}
