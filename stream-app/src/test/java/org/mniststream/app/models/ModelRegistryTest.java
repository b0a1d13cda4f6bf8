package org.mniststream.app.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.ops.AppMetrics;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.model.Architecture;
import org.mniststream.model.LoadedModel;
import org.mniststream.model.ModelSigning;
import org.mniststream.model.ModelVerifier;
import org.mniststream.schemas.ModelVersion;

class ModelRegistryTest {
  private ModelRegistry registry;

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
  }

  private ModelRegistry synchronous() {
    registry =
        ModelRegistry.synchronous(
            TestModelRecords.NAME,
            new ModelVerifier(List.of()),
            AppMetrics.discarding(),
            Clock.systemUTC());
    return registry;
  }

  @Test
  void shouldNotServeBeforeAnyVersion() {
    synchronous();

    assertThat(registry.isReady()).isFalse();
    assertThat(registry.acquire()).isEmpty();
  }

  @Test
  void shouldMeasureConvergenceFromTheRecordTimestampOnceLiveOnly() {
    java.time.Instant now = java.time.Instant.parse("2026-11-30T10:00:00Z");
    var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    registry =
        ModelRegistry.synchronous(
            TestModelRecords.NAME,
            new ModelVerifier(List.of()),
            new AppMetrics(meters),
            Clock.fixed(now, java.time.ZoneOffset.UTC));
    // replayed at start-up: an old record says nothing about convergence
    registry.onModelRecord(
        TestModelRecords.key(1), TestModelRecords.mlp(1), now.minusSeconds(3600).toEpochMilli());
    registry.markLive();
    registry.onModelRecord(
        TestModelRecords.key(2), TestModelRecords.mlp(2), now.minusMillis(250).toEpochMilli());

    var convergence = meters.get("mnist.rollout.convergence").timer();
    assertThat(convergence.count()).isEqualTo(1);
    assertThat(convergence.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
    assertThat(registry.status().history())
        .extracting(RegistryStatus.Swap::activeAfter, RegistryStatus.Swap::recordAt)
        .containsExactly(tuple(1L, null), tuple(2L, now.minusMillis(250)));
  }

  @Test
  void shouldRefuseARecordWhoseKeyNamesAnotherVersionThanItsValue() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));

    registry.onModelRecord(TestModelRecords.key(5), TestModelRecords.mlp(4));

    assertThat(registry.routing().active().version()).isEqualTo(1);
    assertThat(registry.status().refused())
        .extracting(RegistryStatus.Refusal::version, RegistryStatus.Refusal::reason)
        .containsExactly(tuple(5L, "KEY_MISMATCH"));
  }

  @Test
  void shouldFreeTheRetiredModelOnlyWhenItsLastBatchReleasesIt() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    ModelLease batchOnV1 = registry.acquire().orElseThrow();
    LoadedModel v1 = batchOnV1.routing().active();

    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));

    assertThat(registry.routing().active().version()).isEqualTo(2);
    assertThat(v1.isFreed()).as("a running batch still uses v1").isFalse();
    batchOnV1.close();
    assertThat(v1.isFreed()).isTrue();
  }

  @Test
  void shouldLoadAClosedVersionAgainWhenARolloutPinsIt() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    LoadedModel firstV1 = registry.routing().active();
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));
    assertThat(firstV1.isFreed()).isTrue();

    registry.onRolloutRecord(TestEvents.key("mnist"), TestEvents.rollout(1L, null, 0, null));

    assertThat(registry.routing().active().version()).isEqualTo(1);
    assertThat(registry.routing().active().isFreed()).isFalse();
  }

  @Test
  void shouldKeepOnlyTheNewestParametersOnTheHeapAndReadOlderOnesBackForARollback() {
    synchronous();
    java.util.Map<String, byte[]> topic = new java.util.HashMap<>();
    List<String> readBack = new java.util.ArrayList<>();
    registry.retainParameters(
        1,
        key -> {
          readBack.add(key);
          return java.util.Optional.ofNullable(topic.get(key));
        });
    for (long v = 1; v <= 4; v++) {
      topic.put(
          new String(TestModelRecords.key(v), java.nio.charset.StandardCharsets.UTF_8),
          TestModelRecords.mlp(v));
      registry.onModelRecord(TestModelRecords.key(v), TestModelRecords.mlp(v));
    }
    assertThat(readBack).as("nothing read back while the newest serves").isEmpty();

    registry.onRolloutRecord(TestEvents.key("mnist"), TestEvents.rollout(2L, null, 0, null));

    assertThat(registry.routing().active().version()).isEqualTo(2);
    assertThat(readBack).containsExactly("mnist/0000000002");

    registry.onRolloutRecord(TestEvents.key("mnist"), TestEvents.rollout(4L, null, 0, null));

    assertThat(registry.routing().active().version()).isEqualTo(4);
    assertThat(readBack).as("v4 is the newest: its bytes were kept").hasSize(1);
  }

  @Test
  void shouldRefuseARollbackToAReleasedVersionThatIsNoLongerOnTheTopic() {
    synchronous();
    registry.retainParameters(0, key -> java.util.Optional.empty());
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));

    registry.onRolloutRecord(TestEvents.key("mnist"), TestEvents.rollout(1L, null, 0, null));

    assertThat(registry.status().refused())
        .extracting(RegistryStatus.Refusal::version, RegistryStatus.Refusal::reason)
        .contains(tuple(1L, "LOAD_FAILED"));
    assertThat(registry.routing().active().version()).as("v2 keeps serving").isEqualTo(2);
  }

  @Test
  void shouldClearTheRolloutOnATombstone() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));
    registry.onRolloutRecord(TestEvents.key("mnist"), TestEvents.rollout(1L, null, 0, null));

    registry.onRolloutRecord(TestEvents.key("mnist"), null);

    assertThat(registry.routing().active().version()).isEqualTo(2);
    assertThat(registry.status().rollout()).isNull();
  }

  @Test
  void shouldStopServingAWithdrawnVersion() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));

    registry.onModelRecord(TestModelRecords.key(2), null);

    assertThat(registry.routing().active().version()).isEqualTo(1);
  }

  @Test
  void shouldIgnoreOtherModelsAndListUndecodableRecordsAsRefused() {
    synchronous();
    ModelVersion other = TestModelRecords.decode(TestModelRecords.mlp(1));
    other.setModelName("fashion");

    registry.onModelRecord("fashion/0000000001".getBytes(), TestModelRecords.encode(other));
    registry.onModelRecord("mnist/0000000002".getBytes(), "garbage".getBytes());

    assertThat(registry.isReady()).isFalse();
    assertThat(registry.status().refused())
        .extracting(RegistryStatus.Refusal::key, RegistryStatus.Refusal::reason)
        .containsExactly(tuple("mnist/0000000002", "UNDECODABLE"));
  }

  @Test
  void shouldRefuseUnsignedVersionsWhenKeysAreTrustedAndServeSignedOnes() {
    KeyPair keys = ModelSigning.generateKeyPair();
    registry =
        ModelRegistry.synchronous(
            TestModelRecords.NAME,
            new ModelVerifier(List.of(keys.getPublic())),
            AppMetrics.discarding(),
            Clock.systemUTC());
    ModelVersion signed = TestModelRecords.decode(TestModelRecords.mlp(2));
    ModelSigning.sign(signed, keys);

    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.encode(signed));

    assertThat(registry.routing().active().version()).isEqualTo(2);
    assertThat(registry.status().refused())
        .extracting(RegistryStatus.Refusal::version, RegistryStatus.Refusal::reason)
        .containsExactly(tuple(1L, "UNSIGNED"));
  }

  @Test
  void shouldBlockAVersionByTheKeyThatVerifiesItWhateverKeyIdItDeclares() {
    KeyPair a = ModelSigning.generateKeyPair();
    KeyPair b = ModelSigning.generateKeyPair();
    registry =
        ModelRegistry.synchronous(
            TestModelRecords.NAME,
            new ModelVerifier(List.of(a.getPublic(), b.getPublic())),
            AppMetrics.discarding(),
            Clock.systemUTC());
    ModelVersion byA = TestModelRecords.decode(TestModelRecords.mlp(1));
    ModelSigning.sign(byA, a);
    ModelVersion byB = TestModelRecords.decode(TestModelRecords.mlp(2));
    ModelSigning.sign(byB, b);
    // the key id is not covered by the signature: whoever holds B can claim to be A
    byB.setSigningKeyId(ModelSigning.keyId(a.getPublic()));
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.encode(byA));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.encode(byB));
    assertThat(registry.routing().active().version()).isEqualTo(2);

    String keyB = ModelSigning.keyId(b.getPublic());
    registry.onTrustedKeyRecord(
        keyB.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        org.mniststream.schemas.ContractSerdes.trustedKey()
            .encode(
                org.mniststream.schemas.TrustedKey.newBuilder()
                    .setKeyId(keyB)
                    .setState(org.mniststream.schemas.KeyState.REVOKED)
                    .setChangedAt(java.time.Instant.now())
                    .setChangedBy("test")
                    .build()),
        System.currentTimeMillis());

    assertThat(registry.routing().active().version()).isEqualTo(1);
  }

  @Test
  void shouldLoadOffTheCallingThreadAndReportWhenIdle() throws Exception {
    registry =
        ModelRegistry.withBackgroundLoader(
            TestModelRecords.NAME,
            new ModelVerifier(List.of()),
            AppMetrics.discarding(),
            Clock.systemUTC());

    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1)); // again: ignored

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(registry.isReady()).isTrue());
    assertThat(registry.awaitIdle(Duration.ofSeconds(30))).isTrue();
    assertThat(registry.status().active().version()).isEqualTo(1);
    assertThat(registry.status().history()).hasSize(1);
  }

  @Test
  void shouldIgnoreTheSameRecordDeliveredAgain() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    LoadedModel first = registry.routing().active();

    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1).clone());

    assertThat(registry.routing().active()).isSameAs(first);
    assertThat(first.isFreed()).isFalse();
    assertThat(registry.status().history()).hasSize(1);
  }

  @Test
  void shouldSwapToTheNewContentWhenTheServingVersionIsPublishedAgain() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    ModelLease batchOnOldV1 = registry.acquire().orElseThrow();
    LoadedModel oldV1 = batchOnOldV1.routing().active();

    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.cnn(1));

    assertThat(registry.routing().active().version()).isEqualTo(1);
    assertThat(registry.routing().active().architecture()).isEqualTo(Architecture.CNN_V1);
    assertThat(registry.status().active().architecture()).isEqualTo("cnn-v1");
    assertThat(registry.status().history())
        .extracting(RegistryStatus.Swap::cause)
        .containsExactly("version 1 published", "version 1 replaced");
    assertThat(oldV1.isFreed()).as("a running batch still uses the old v1").isFalse();
    batchOnOldV1.close();
    assertThat(oldV1.isFreed()).isTrue();
  }

  @Test
  void shouldFallBackWhenTheServingVersionIsReplacedByARefusedRecord() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));
    LoadedModel v2 = registry.routing().active();

    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.corrupt(2));

    assertThat(registry.routing().active().version()).isEqualTo(1);
    assertThat(v2.isFreed()).isTrue();
    assertThat(registry.status().versions())
        .extracting(RegistryStatus.VersionInfo::version)
        .containsExactly(1L);
    assertThat(registry.status().refused())
        .extracting(RegistryStatus.Refusal::version, RegistryStatus.Refusal::reason)
        .containsExactly(tuple(2L, "SHA256_MISMATCH"));
  }

  @Test
  void shouldFallBackWhenTheServingVersionIsReplacedByAnUndecodableRecord() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));

    registry.onModelRecord(TestModelRecords.key(2), "garbage".getBytes());

    assertThat(registry.routing().active().version()).isEqualTo(1);
    assertThat(registry.status().refused())
        .extracting(RegistryStatus.Refusal::version, RegistryStatus.Refusal::reason)
        .containsExactly(tuple(2L, "UNDECODABLE"));
  }

  @Test
  void shouldKeepServingTheOnlyVersionUntilAValidRecordReplacesItsRefusedOne() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    LoadedModel first = registry.routing().active();

    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.corrupt(1));

    assertThat(registry.routing().active()).as("nothing valid is left").isSameAs(first);
    assertThat(first.isFreed()).isFalse();
    assertThat(registry.status().versions()).isEmpty();

    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));

    assertThat(registry.routing().active().version()).isEqualTo(1);
    assertThat(registry.routing().active()).isNotSameAs(first);
    assertThat(first.isFreed()).isTrue();
    assertThat(registry.status().refused()).isEmpty();
  }

  @Test
  void shouldKeepServingTheOnlyVersionAfterItsTombstoneAndLoadItAgainWhenRepublished() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    LoadedModel first = registry.routing().active();

    registry.onModelRecord(TestModelRecords.key(1), null);

    assertThat(registry.routing().active()).isSameAs(first);
    assertThat(registry.status().versions()).isEmpty();

    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));

    assertThat(registry.status().versions())
        .extracting(RegistryStatus.VersionInfo::version)
        .containsExactly(1L);
    assertThat(registry.routing().active()).isNotSameAs(first);
    assertThat(first.isFreed()).isTrue();
  }

  @Test
  void shouldFreeEveryModelOnClose() {
    synchronous();
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onRolloutRecord(TestEvents.key("mnist"), TestEvents.rollout(null, null, 0, 1L));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));
    List<LoadedModel> models = registry.routing().models();

    registry.close();

    assertThat(models).hasSize(2).allSatisfy(m -> assertThat(m.isFreed()).isTrue());
    assertThat(registry.acquire()).isEmpty();
  }

  @Test
  void shouldCloseAVersionStillLoadingWhenClosedAndNeverRouteIt() throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch finishLoading = new CountDownLatch(1);
    List<LoadedModel> loadedByTheLoader = new CopyOnWriteArrayList<>();
    ModelVerifier verifier = new ModelVerifier(List.of());
    registry =
        ModelRegistry.withBackgroundLoader(
            TestModelRecords.NAME,
            version -> {
              loading.countDown();
              try {
                finishLoading.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              LoadedModel model = verifier.verifyAndLoad(version);
              loadedByTheLoader.add(model);
              return model;
            },
            AppMetrics.discarding(),
            Clock.systemUTC());
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();

    registry.close(Duration.ofMillis(50)); // returns while the loader is still on v1
    finishLoading.countDown();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(loadedByTheLoader)
                    .singleElement()
                    .satisfies(m -> assertThat(m.isFreed()).isTrue()));
    assertThat(registry.isReady()).isFalse();
    assertThat(registry.acquire()).isEmpty();
    assertThat(registry.status().history()).as("no swap after close").isEmpty();
  }

  @Test
  void shouldWarmEveryVersionBeforeAnyRouteReachesItAtStartAndAtASwap() {
    synchronous();
    List<String> warmed = new CopyOnWriteArrayList<>();
    registry.warmUp(
        model -> {
          boolean routed = registry.routing().models().contains(model);
          Long serving = registry.isReady() ? registry.routing().active().version() : null;
          warmed.add("v" + model.version() + " routed=" + routed + " serving=" + serving);
          assertThat(model.predict(new float[784], 1)).hasSize(10);
        });

    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));
    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));

    assertThat(warmed).containsExactly("v1 routed=false serving=null", "v2 routed=false serving=1");
    assertThat(registry.routing().active().version()).isEqualTo(2);
  }

  @Test
  void shouldRefuseAndFreeAVersionWhoseWarmUpFailsAndKeepServingTheOldOne() {
    synchronous();
    List<LoadedModel> warmed = new CopyOnWriteArrayList<>();
    registry.warmUp(
        model -> {
          warmed.add(model);
          if (model.version() == 2) {
            throw new IllegalStateException("forward pass failed");
          }
        });
    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.mlp(1));

    registry.onModelRecord(TestModelRecords.key(2), TestModelRecords.mlp(2));

    assertThat(registry.routing().active().version()).isEqualTo(1);
    assertThat(registry.status().refused())
        .singleElement()
        .satisfies(r -> assertThat(r.toString()).contains("forward pass failed"));
    assertThat(warmed).hasSize(2);
    assertThat(warmed.get(1).isFreed()).isTrue();
    assertThat(warmed.get(0).isFreed()).isFalse();
  }

  @Test
  void shouldWarmUpWithForwardPassesAtTheGivenSizes() {
    synchronous();
    registry.warmUp(ModelRegistry.ModelWarmUp.forwardPasses(2, 1, 8, 64));

    registry.onModelRecord(TestModelRecords.key(1), TestModelRecords.cnn(1));

    assertThat(registry.routing().active().version()).isEqualTo(1);
    assertThat(ModelRegistry.ModelWarmUp.forwardPasses(0, 1, 8))
        .isSameAs(ModelRegistry.ModelWarmUp.NONE);
  }
}
