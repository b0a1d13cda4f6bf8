package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.testing.TopologyHarness;

/**
 * The classifier with {@code inference.latency-budget-ms} set: {@link AdaptiveBatching} decides.
 */
class AdaptiveBatchingTopologyTest {
  private TopologyHarness app;

  @AfterEach
  void closeDriver() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldWaitWithinAGenerousBudgetAndClassifyAFullBatchAtOnce() throws Exception {
    app =
        TopologyHarness.start(
            Map.of("inference.latency-budget-ms", "600000", "inference.batch.size", "4"));
    app.publishModel(1, TestModelRecords.mlp(1));

    for (int i = 0; i < 3; i++) {
      app.send("k" + i, TestEvents.raw28("b-" + i, null));
    }
    app.driver.advanceWallClockTime(Duration.ofSeconds(1)); // ticks: far from the deadline
    assertThat(app.predictions.isEmpty()).as("3 events within a 10-minute budget wait").isTrue();

    app.send("k3", TestEvents.raw28("b-3", null));

    assertThat(app.drainPredictions())
        .extracting(r -> r.value().getEventId())
        .containsExactly("b-0", "b-1", "b-2", "b-3");
    assertThat(app.meters.find("mnist.inference.batch.size").summary().max()).isEqualTo(4);
  }

  @Test
  void shouldClassifyEachEventAtOnceWhenTheBudgetLeavesNoTimeToWait() throws Exception {
    // 1 ms is less than the cost assumed before any batch was measured: nothing can wait
    app = TopologyHarness.start(Map.of("inference.latency-budget-ms", "1"));
    app.publishModel(1, TestModelRecords.mlp(1));

    for (int i = 0; i < 3; i++) {
      app.send("k" + i, TestEvents.raw28("a-" + i, null));
      assertThat(app.drainPredictions())
          .extracting(r -> r.value().getEventId())
          .containsExactly("a-" + i);
    }
  }
}
