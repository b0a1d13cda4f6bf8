package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.testing.TopologyHarness;

/**
 * What the pending store's changelog carries with the store's cache: only events still pending at a
 * commit (TopologyTestDriver commits after every input record), never a put and its delete that
 * meet between two commits.
 */
class PendingStoreChangelogTopologyTest {
  private final String applicationId = "pending-changelog-" + UUID.randomUUID();
  private TopologyHarness app;

  @AfterEach
  void closeDriver() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldLogNoValueForAnEventClassifiedBeforeTheCommit() throws Exception {
    // Given batches of one: every event is put and deleted within its own process() call
    app = start("1");
    app.publishModel(1, TestModelRecords.mlp(1));

    // When three events are classified
    for (int i = 0; i < 3; i++) {
      app.send("k" + i, TestEvents.raw28("one-" + i, null));
    }

    // Then each has its prediction, and the changelog has no value of theirs, only tombstones
    assertThat(app.drainPredictions())
        .extracting(r -> r.value().getEventId())
        .containsExactly("one-0", "one-1", "one-2");
    assertThat(changelog().readKeyValuesToList())
        .containsExactly(KeyValue.pair(0L, null), KeyValue.pair(1L, null), KeyValue.pair(2L, null));
  }

  @Test
  void shouldLogAnEventStillPendingAtACommitAndItsTombstoneOnceClassified() throws Exception {
    // Given batches of two and a max wait that never passes
    app = start("2");
    app.publishModel(1, TestModelRecords.mlp(1));

    // When the first event is committed while pending, and the second fills the batch
    app.send("a", TestEvents.raw28("p-0", 4));
    List<TestRecord<Long, byte[]>> afterFirst = changelog().readRecordsToList();
    app.send("b", TestEvents.raw28("p-1", 5));

    // Then the first commit logged the pending event (a restore would find it)...
    assertThat(afterFirst).extracting(TestRecord::key).containsExactly(0L);
    PendingEvent logged = PendingEvent.fromBytes(afterFirst.get(0).value());
    assertThat(logged.eventId()).isEqualTo("p-0");
    assertThat(logged.label()).isEqualTo(4);
    // ...the second only tombstones: the second event's value never reached the changelog
    assertThat(changelog().readKeyValuesToList())
        .containsExactly(KeyValue.pair(0L, null), KeyValue.pair(1L, null));
    assertThat(app.drainPredictions())
        .extracting(r -> r.value().getEventId())
        .containsExactly("p-0", "p-1");
  }

  private TopologyHarness start(String batchSize) throws Exception {
    return TopologyHarness.start(
        Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG,
            applicationId,
            "inference.batch.size",
            batchSize,
            "inference.batch.max-wait-ms",
            "600000"));
  }

  private TestOutputTopic<Long, byte[]> changelog() {
    return app.driver.createOutputTopic(
        applicationId + "-" + ClassifierTopology.PENDING_STORE + "-changelog",
        new LongDeserializer(),
        new ByteArrayDeserializer());
  }
}
