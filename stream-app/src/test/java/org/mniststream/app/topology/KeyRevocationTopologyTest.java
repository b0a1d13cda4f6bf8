package org.mniststream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.models.RegistryStatus;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.app.testing.TopologyHarness;
import org.mniststream.schemas.KeyState;
import org.mniststream.schemas.ModelVersion;

/**
 * Revocations on the trusted-keys topic and the downgrade floor ({@code model.min-version}), driven
 * through the production topology. The harness trusts no key, so a version's key is the one it
 * declares ({@code signingKeyId}); that the verifying key counts as well is ModelRegistryTest's.
 */
class KeyRevocationTopologyTest {
  private static final String KEY_A = "aaaaaaaaaaaaaaaa";
  private static final String KEY_B = "bbbbbbbbbbbbbbbb";

  private TopologyHarness app;

  @AfterEach
  void closeDriver() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void shouldFallBackToTheNewestVersionOfATrustedKeyWhenTheServingKeyIsRevoked() throws Exception {
    app = TopologyHarness.start();
    publish(1, KEY_A);
    publish(2, KEY_B);
    publish(3, KEY_B);
    classify("before");

    app.keyState(KEY_B, KeyState.REVOKED, "leaked");
    classify("after");

    assertThat(versionsServed()).containsExactly("before@v3", "after@v1");
    assertThat(app.registry.status().notes())
        .containsExactly(
            "newest version 3 may not serve: signed by revoked key " + KEY_B + " (leaked)");
  }

  @Test
  void shouldServeTheKeysVersionsAgainWhenTheKeyIsTrustedAgain() throws Exception {
    app = TopologyHarness.start();
    publish(1, KEY_A);
    publish(2, KEY_B);
    app.keyState(KEY_B, KeyState.REVOKED, "leaked");
    classify("revoked");

    app.keyState(KEY_B, KeyState.TRUSTED, "false alarm");
    classify("trusted");

    assertThat(versionsServed()).containsExactly("revoked@v1", "trusted@v2");
  }

  @Test
  void shouldRefuseARolloutThatPinsARevokedVersionAndKeepServingWhatItHad() throws Exception {
    app = TopologyHarness.start();
    publish(1, KEY_A);
    publish(2, KEY_B);
    publish(3, KEY_A);
    app.rollout(TestEvents.rollout(3L, null, 0, null));
    app.keyState(KEY_B, KeyState.REVOKED, "leaked");

    app.rollout(TestEvents.rollout(2L, null, 0, null));
    classify("after-refused-pin");

    assertThat(versionsServed()).containsExactly("after-refused-pin@v3");
    RegistryStatus status = app.registry.status();
    assertThat(status.rollout().activeVersion()).isEqualTo(3L);
    assertThat(status.refused())
        .extracting(RegistryStatus.Refusal::reason, RegistryStatus.Refusal::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "ROLLOUT_REFUSED",
                "pinned version 2 is signed by revoked key " + KEY_B + " (leaked)"));
  }

  @Test
  void shouldLeaveAPinOnceItsKeyIsRevokedAndFallBackToTheNewestTrustedVersion() throws Exception {
    app = TopologyHarness.start();
    publish(1, KEY_A);
    publish(2, KEY_B);
    publish(3, KEY_A);
    app.rollout(TestEvents.rollout(2L, null, 0, null));
    classify("pinned");

    app.keyState(KEY_B, KeyState.REVOKED, null);
    classify("revoked");

    assertThat(versionsServed()).containsExactly("pinned@v2", "revoked@v3");
    assertThat(app.registry.status().notes())
        .anyMatch(n -> n.startsWith("pinned version 2 was refused (signed by revoked key"));
  }

  @Test
  void shouldStopServingWhenEveryVersionIsSignedByARevokedKey() throws Exception {
    app = TopologyHarness.start();
    publish(1, KEY_B);
    classify("before");

    app.keyState(KEY_B, KeyState.REVOKED, "leaked");
    classify("waits");

    assertThat(versionsServed()).containsExactly("before@v1");
    assertThat(app.registry.isReady()).isFalse();

    publish(2, KEY_A);
    app.flush();
    assertThat(versionsServed()).containsExactly("waits@v2");
  }

  @Test
  void shouldTreatAStateNewerThanThisReaderAsRevoked() throws Exception {
    app = TopologyHarness.start();
    publish(1, KEY_A);
    publish(2, KEY_B);

    app.keyState(KEY_B, KeyState.UNKNOWN, null);
    classify("closed");

    assertThat(versionsServed()).containsExactly("closed@v1");
  }

  @Test
  void shouldNeverServeAVersionBelowTheFloorNotEvenPinned() throws Exception {
    app = TopologyHarness.start(Map.of("model.min-version", "2"));
    publish(1, KEY_A);
    publish(2, KEY_A);
    publish(3, KEY_A);
    app.rollout(TestEvents.rollout(3L, null, 0, null));

    app.rollout(TestEvents.rollout(1L, null, 0, null));
    classify("pin-below-floor");

    assertThat(versionsServed()).containsExactly("pin-below-floor@v3");
    assertThat(app.registry.status().refused())
        .extracting(RegistryStatus.Refusal::message)
        .containsExactly("pinned version 1 is below the floor model.min-version=2");
  }

  @Test
  void shouldNeverFallBackBelowTheFloor() throws Exception {
    app = TopologyHarness.start(Map.of("model.min-version", "2"));
    publish(1, KEY_A);
    publish(2, KEY_B);
    classify("at-floor");

    app.keyState(KEY_B, KeyState.REVOKED, "leaked");
    classify("below-floor-only");

    assertThat(versionsServed()).containsExactly("at-floor@v2");
    assertThat(app.registry.isReady()).isFalse();
  }

  private void publish(long version, String keyId) {
    ModelVersion v = TestModelRecords.decode(TestModelRecords.mlp(version));
    v.setSigningKeyId(keyId);
    app.publishModel(version, TestModelRecords.encode(v));
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
