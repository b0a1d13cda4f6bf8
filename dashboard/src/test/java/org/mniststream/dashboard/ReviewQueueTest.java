package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ReviewReason;
import org.mniststream.schemas.ReviewRequest;

class ReviewQueueTest {
  static ReviewRequest request(String eventId, int width, int pixels) {
    return ReviewRequest.newBuilder()
        .setEventId(eventId)
        .setEventTime(Instant.EPOCH)
        .setModelName("mnist")
        .setModelVersion(2)
        .setRoute("ACTIVE")
        .setPredictedClass(4)
        .setConfidence(0.41f)
        .setProbabilities(Collections.nCopies(10, 0.1f))
        .setReason(ReviewReason.LOW_CONFIDENCE)
        .setThreshold(0.6f)
        .setWidth(width)
        .setHeight(28)
        .setPixels(ByteBuffer.wrap(new byte[pixels]))
        .setSourceTopic("mnist.image-events")
        .setSourcePartition(0)
        .setSourceOffset(1)
        .setRequestedAt(Instant.ofEpochMilli(5))
        .build();
  }

  @Test
  void shouldKeepTheLatestUnlabelledRequestsNewestFirst() {
    ReviewQueue queue = new ReviewQueue();
    for (int i = 0; i < ReviewQueue.CAPACITY + 5; i++) {
      queue.add(request("e-" + i, 28, 784));
    }
    queue.add(request("e-10", 28, 784)); // redelivered: moves up, not twice

    ReviewQueue.Snapshot s = queue.snapshot();
    assertThat(s.items()).hasSize(ReviewQueue.CAPACITY);
    assertThat(s.items().get(0).eventId()).isEqualTo("e-10");
    assertThat(s.items().get(1).eventId()).isEqualTo("e-" + (ReviewQueue.CAPACITY + 4));
    assertThat(s.items()).extracting(ReviewQueue.Item::eventId).doesNotHaveDuplicates();
    assertThat(queue.get("e-0")).isEmpty();
    assertThat(s.seen()).isEqualTo(ReviewQueue.CAPACITY + 6);
  }

  @Test
  void shouldNotBringBackALabelledItemWhenItsRequestIsRedelivered() {
    ReviewQueue queue = new ReviewQueue();
    queue.add(request("e-1", 28, 784));
    queue.labelled("e-1");
    queue.add(request("e-1", 28, 784));

    assertThat(queue.get("e-1")).isEmpty();
    assertThat(queue.snapshot().items()).isEmpty();
  }

  @Test
  void shouldShowAnImageWhoseSizeDisagreesWithItsPixelsBlank() {
    ReviewQueue queue = new ReviewQueue();
    queue.add(request("ok", 28, 784));
    queue.add(request("bad", 28, 3));
    queue.add(request("huge", 4096, 4096 * 28));

    assertThat(queue.snapshot().items())
        .extracting(ReviewQueue.Item::eventId, i -> i.pixels() != null)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("huge", false),
            org.assertj.core.groups.Tuple.tuple("bad", false),
            org.assertj.core.groups.Tuple.tuple("ok", true));
  }
}
