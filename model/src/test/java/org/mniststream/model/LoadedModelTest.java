package org.mniststream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ModelVersion;

class LoadedModelTest {

  @Test
  void shouldPredictTheSameAfterSerializationRoundTrip() throws Exception {
    ModelVersion version = ModelVersions.untrained("mnist", 1, Architecture.CNN_V1, 3);
    byte[] images = new byte[4 * 784];
    new Random(1).nextBytes(images);
    try (LoadedModel a = LoadedModel.load(version, Architecture.CNN_V1);
        LoadedModel b = LoadedModel.load(version, Architecture.CNN_V1)) {
      float[] input = a.normalizer().normalizeAll(images, 0, 4);
      float[] pa = a.predict(input, 4);
      assertThat(pa).hasSize(40);
      assertThat(b.predict(input, 4)).containsExactly(pa);
      for (int i = 0; i < 4; i++) {
        double sum = 0;
        for (int k = 0; k < 10; k++) {
          sum += pa[i * 10 + k];
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
      }
    }
  }

  @Test
  void shouldPredictFromAPrefixOfALargerReusedBuffer() throws Exception {
    ModelVersion version = ModelVersions.untrained("mnist", 1, Architecture.MLP_V1, 3);
    try (LoadedModel model = LoadedModel.load(version, Architecture.MLP_V1)) {
      float[] buffer = new float[8 * 784];
      assertThat(model.predict(buffer, 3)).hasSize(30);
      assertThatThrownBy(() -> model.predict(buffer, 9))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void shouldFreeNativeMemoryOnlyWhenTheLastBatchReleases() throws Exception {
    LoadedModel model =
        LoadedModel.load(
            ModelVersions.untrained("mnist", 1, Architecture.MLP_V1, 3), Architecture.MLP_V1);
    assertThat(model.tryAcquire()).isTrue();
    model.close();
    model.close(); // idempotent for the owner
    assertThat(model.isFreed()).isFalse();
    assertThat(model.predict(new float[784], 1)).hasSize(10);
    model.release();
    assertThat(model.isFreed()).isTrue();
    assertThat(model.tryAcquire()).isFalse();
  }

  @Test
  void shouldKeepMetadataWithoutParameterBytes() throws Exception {
    try (LoadedModel model =
        LoadedModel.load(
            ModelVersions.untrained("mnist", 5, Architecture.MLP_V1, 3), Architecture.MLP_V1)) {
      assertThat(model.version()).isEqualTo(5);
      assertThat(model.metadata().getParameters().remaining()).isZero();
      assertThat(model.metadata().getParametersSha256()).hasSize(64);
    }
  }

  @Test
  void shouldSplitLargeBatchesIntoChunksWithoutChangingResults() throws Exception {
    ModelVersion version = ModelVersions.untrained("mnist", 1, Architecture.CNN_V1, 3);
    int count = 2 * LoadedModel.CHUNK + 2;
    byte[] images = new byte[count * 784];
    new Random(2).nextBytes(images);
    try (LoadedModel model = LoadedModel.load(version, Architecture.CNN_V1)) {
      float[] input = model.normalizer().normalizeAll(images, 0, count);
      float[] expected = new float[count * 10];
      for (int first = 0; first < count; first += LoadedModel.CHUNK) {
        int n = Math.min(LoadedModel.CHUNK, count - first);
        float[] part =
            model.predict(java.util.Arrays.copyOfRange(input, first * 784, (first + n) * 784), n);
        System.arraycopy(part, 0, expected, first * 10, part.length);
      }
      assertThat(model.predict(input, count)).containsExactly(expected);
    }
  }

  @Test
  void shouldGiveEveryConcurrentCallerItsOwnResults() throws Exception {
    ModelVersion version = ModelVersions.untrained("mnist", 1, Architecture.CNN_V1, 3);
    try (LoadedModel model = LoadedModel.load(version, Architecture.CNN_V1)) {
      int callers = 4;
      float[][] inputs = new float[callers][];
      float[][] expected = new float[callers][];
      for (int c = 0; c < callers; c++) {
        byte[] images = new byte[(8 + c) * 784];
        new Random(10 + c).nextBytes(images);
        inputs[c] = model.normalizer().normalizeAll(images, 0, 8 + c);
        expected[c] = model.predict(inputs[c], 8 + c);
      }
      var pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
      try {
        var futures = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
        for (int c = 0; c < callers; c++) {
          int caller = c;
          futures.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 50; i++) {
                      if (!java.util.Arrays.equals(
                          model.predict(inputs[caller], 8 + caller), expected[caller])) {
                        return false;
                      }
                    }
                    return true;
                  }));
        }
        for (var f : futures) {
          assertThat(f.get()).isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void shouldWarmUpWithoutLeavingAnyArrayBehindOrChangingResults() throws Exception {
    ModelVersion version = ModelVersions.untrained("mnist", 1, Architecture.CNN_V1, 3);
    byte[] images = new byte[8 * 784];
    new Random(4).nextBytes(images);
    try (ai.djl.Model owned = ai.djl.Model.newInstance("warm", "PyTorch")) {
      LoadedModel reference = LoadedModel.load(version, Architecture.CNN_V1);
      owned.setBlock(Architecture.CNN_V1.newBlock());
      ModelParameters.load(
          owned.getBlock(),
          owned.getNDManager(),
          org.mniststream.schemas.AvroBytes.copyOf(version.getParameters()));
      LoadedModel model = LoadedModel.wrap(version, Architecture.CNN_V1, owned);
      float[] input = model.normalizer().normalizeAll(images, 0, 8);
      float[] before = reference.predict(input, 8);
      int arrays = owned.getNDManager().getManagedArrays().size();

      long nanos = model.warmUp(2, 1, 8, LoadedModel.CHUNK + 1);

      assertThat(nanos).isPositive();
      assertThat(owned.getNDManager().getManagedArrays()).hasSize(arrays);
      assertThat(model.predict(input, 8)).containsExactly(before);
      assertThat(owned.getNDManager().getManagedArrays()).hasSize(arrays);
      reference.close();
      assertThat(reference.isFreed()).isTrue();
    }
  }

  @Test
  void shouldRefuseAWarmUpBatchSizeBelowOne() throws Exception {
    try (LoadedModel model =
        LoadedModel.load(
            ModelVersions.untrained("mnist", 1, Architecture.MLP_V1, 3), Architecture.MLP_V1)) {
      assertThatThrownBy(() -> model.warmUp(1, 8, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(">= 1");
    }
  }
}
