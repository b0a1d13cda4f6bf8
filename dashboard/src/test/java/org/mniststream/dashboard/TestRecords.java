package org.mniststream.dashboard;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.InstanceHeartbeat;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.Prediction;
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
}
