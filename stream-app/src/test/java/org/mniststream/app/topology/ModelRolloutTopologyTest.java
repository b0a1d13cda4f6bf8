package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.models.CanarySplit;
import org.mniststream.app.models.RegistryStatus;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.testing.TopologyHarness;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.Route;

/** Hot swap, refusal, pin, canary and shadow, all driven through the models and rollouts topics. */
class ModelRolloutTopologyTest {
  private TopologyHarness app;

  @BeforeEach
  void start() throws Exception {
    app = TopologyHarness.start();
  }

  @AfterEach
  void closeDriver() {
    app.close();
  }

  @Test
  void shouldClassifyWithNewModelAfterSwap() {
    app.publishModel(1, TestModelRecords.mlp(1));
    classify("before");
    assertThat(versionsServed()).containsExactly("before@v1");

    app.publishModel(2, TestModelRecords.cnn(2));
    classify("after");

    assertThat(versionsServed()).containsExactly("after@v2");
    assertThat(app.registry.status().history())
        .extracting(RegistryStatus.Swap::activeAfter)
        .containsExactly(1L, 2L);
  }

  @Test
  void shouldKeepServingThePreviousVersionWhenANewOneIsRefused() {
    app.publishModel(1, TestModelRecords.mlp(1));

    app.publishModel(2, TestModelRecords.corrupt(2));
    classify("still-v1");

    assertThat(versionsServed()).containsExactly("still-v1@v1");
    RegistryStatus status = app.registry.status();
    assertThat(status.active().version()).isEqualTo(1);
    assertThat(status.refused())
        .extracting(RegistryStatus.Refusal::version, RegistryStatus.Refusal::reason)
        .containsExactly(tuple(2L, "SHA256_MISMATCH"));
    assertThat(app.counter("mnist.model.refusals", "reason", "SHA256_MISMATCH")).isEqualTo(1);
  }

  @Test
  void shouldRollBackToAPinnedVersionAndFollowTheLatestAgainWhenUnpinned() {
    app.publishModel(1, TestModelRecords.mlp(1));
    app.publishModel(2, TestModelRecords.mlp(2));
    classify("latest");

    app.rollout(TestEvents.rollout(1L, null, 0, null));
    classify("pinned");

    app.rollout(TestEvents.rollout(null, null, 0, null));
    classify("unpinned");

    assertThat(versionsServed()).containsExactly("latest@v2", "pinned@v1", "unpinned@v2");
  }

  @Test
  void shouldStayOnThePinWhenNewerVersionsArePublished() {
    app.publishModel(1, TestModelRecords.mlp(1));
    app.rollout(TestEvents.rollout(1L, null, 0, null));

    app.publishModel(2, TestModelRecords.mlp(2));
    classify("pinned");

    assertThat(versionsServed()).containsExactly("pinned@v1");
  }

  @Test
  void shouldFallBackToTheNewestVersionWhenThePinnedOneIsUnknownAndSaySo() {
    app.publishModel(1, TestModelRecords.mlp(1));

    app.rollout(TestEvents.rollout(9L, null, 0, null));
    classify("fallback");

    assertThat(versionsServed()).containsExactly("fallback@v1");
    assertThat(app.registry.status().notes()).anyMatch(n -> n.contains("pinned version 9"));
  }

  @Test
  void shouldSplitKeysDeterministicallyBetweenActiveAndCanary() {
    app.publishModel(1, TestModelRecords.mlp(1));
    app.publishModel(2, TestModelRecords.mlp(2));
    app.rollout(TestEvents.rollout(1L, 2L, 20, null));
    int keys = 2_000;

    for (int i = 0; i < keys; i++) {
      app.send("user-" + i, TestEvents.raw28("c-" + i, null));
    }
    app.flush();
    for (int i = 0; i < 200; i++) {
      app.send("user-" + i, TestEvents.raw28("again-" + i, null)); // same keys, second time
    }
    app.flush();

    List<TestRecord<byte[], Prediction>> out = app.drainPredictions();
    assertThat(out).hasSize(keys + 200);
    Map<String, Route> routeOfKey = new HashMap<>();
    int canary = 0;
    for (TestRecord<byte[], Prediction> r : out) {
      String key = new String(r.key());
      Route route = r.value().getRoute();
      assertThat(r.value().getModelVersion()).isEqualTo(route == Route.CANARY ? 2L : 1L);
      assertThat(route).isEqualTo(CanarySplit.isCanary(r.key(), 20) ? Route.CANARY : Route.ACTIVE);
      Route first = routeOfKey.putIfAbsent(key, route);
      assertThat(first == null || first == route).as("key %s keeps its route", key).isTrue();
      if (route == Route.CANARY && r.value().getEventId().startsWith("c-")) {
        canary++;
      }
    }
    assertThat(canary).isBetween(340, 460); // 20% of 2,000 = 400, within about 3 sigma
  }

  @Test
  void shouldSendShadowPredictionsOnlyToTheShadowTopic() {
    app.publishModel(1, TestModelRecords.mlp(1));
    app.publishModel(2, TestModelRecords.cnn(2));
    app.rollout(TestEvents.rollout(1L, null, 0, 2L));

    for (int i = 0; i < 5; i++) {
      app.send("s" + i, TestEvents.raw28("sh-" + i, null));
    }
    app.flush();

    List<Prediction> primary = app.drainPredictions().stream().map(TestRecord::value).toList();
    List<Prediction> shadow = app.shadowPredictions.readValuesToList();
    assertThat(primary)
        .extracting(Prediction::getRoute, Prediction::getModelVersion)
        .containsOnly(tuple(Route.ACTIVE, 1L))
        .hasSize(5);
    assertThat(shadow)
        .extracting(Prediction::getEventId)
        .containsExactly("sh-0", "sh-1", "sh-2", "sh-3", "sh-4");
    assertThat(shadow)
        .extracting(Prediction::getRoute, Prediction::getModelVersion)
        .containsOnly(tuple(Route.SHADOW, 2L));
    assertThat(app.counter("mnist.predictions", "route", "SHADOW", "version", "2")).isEqualTo(5);
  }

  @Test
  void shouldUnloadVersionsNoRouteNeeds() {
    app.publishModel(1, TestModelRecords.mlp(1));
    app.publishModel(2, TestModelRecords.mlp(2));
    app.publishModel(3, TestModelRecords.mlp(3));

    assertThat(app.registry.status().versions())
        .extracting(RegistryStatus.VersionInfo::version, RegistryStatus.VersionInfo::loaded)
        .containsExactly(tuple(1L, false), tuple(2L, false), tuple(3L, true));
  }

  @Test
  void shouldIgnoreAVersionPublishedTwice() {
    app.publishModel(1, TestModelRecords.mlp(1));
    app.publishModel(1, TestModelRecords.mlp(1));

    assertThat(app.registry.status().history()).hasSize(1);
    assertThat(app.registry.status().versions()).hasSize(1);
  }

  private void classify(String eventId) {
    app.send("key-" + eventId, TestEvents.raw28(eventId, null));
    app.flush();
  }

  private List<String> versionsServed() {
    return app.drainPredictions().stream()
        .map(r -> r.value().getEventId() + "@v" + r.value().getModelVersion())
        .toList();
  }
}
