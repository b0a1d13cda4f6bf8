package org.mniststream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ModelVersion;

class ChannelsLastForwardTest {

  /** The channels-last pass sums in another order: equal logits up to float rounding. */
  @Test
  void shouldAgreeWithTheBlockOrderedPass() {
    int batch = 64;
    float[] input = new float[batch * 784];
    Random random = new Random(11);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (Model model =
            ModelVersions.newInitialized(Architecture.CNN_V1, InputContracts.scaledToUnit(), 5);
        NDManager manager = model.getNDManager().newSubManager()) {
      ChannelsLastForward channelsLast =
          ChannelsLastForward.prepare(model.getBlock(), 28, 28, model.getNDManager());
      for (int n : new int[] {1, 5, batch}) {
        PtNDArray x = (PtNDArray) manager.create(input, new Shape(batch, 1, 28, 28));
        x = JniUtils.slice(x, 0, 0, n, 1);
        float[] expected =
            DirectForward.of(Architecture.CNN_V1, model.getBlock()).logits(x).toFloatArray();
        float[] actual = channelsLast.logits(x).toFloatArray();
        assertThat(actual).hasSameSizeAs(expected);
        double scale = 0;
        for (float v : expected) {
          scale = Math.max(scale, Math.abs(v));
        }
        assertThat(scale).isGreaterThan(0.01);
        for (int i = 0; i < expected.length; i++) {
          assertThat((double) Math.abs(actual[i] - expected[i]))
              .as("logit %d of batch %d", i, n)
              .isLessThanOrEqualTo(1e-5 * scale);
        }
        for (int row = 0; row < n; row++) {
          assertThat(argMax(actual, row)).isEqualTo(argMax(expected, row));
        }
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  @Test
  void shouldKeepTheLogicalValuesOfReLaidOutWeights() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      float[] values = new float[4 * 3 * 3 * 3];
      for (int i = 0; i < values.length; i++) {
        values[i] = i;
      }
      PtNDArray weight = (PtNDArray) manager.create(values, new Shape(4, 3, 3, 3));
      PtNDArray channelsLast = ChannelsLastForward.channelsLast(weight);
      assertThat(channelsLast.getShape()).isEqualTo(weight.getShape());
      // a contiguous copy of the logical values; the channels-last memory is (o, kh, kw, i)
      assertThat(JniUtils.reshape(channelsLast, new long[] {-1}).toFloatArray())
          .containsExactly(values);
      float[] memory =
          JniUtils.reshape(JniUtils.permute(channelsLast, new long[] {0, 2, 3, 1}), new long[] {-1})
              .toFloatArray();
      assertThat(memory[1]).isEqualTo(9f); // (o0, kh0, kw0, i1) = values[0*27 + 1*9 + 0 + 0]

      float[] dense = new float[2 * 3 * 2 * 2];
      for (int i = 0; i < dense.length; i++) {
        dense[i] = i;
      }
      PtNDArray d = (PtNDArray) manager.create(dense, new Shape(2, 12));
      float[] hwc = ChannelsLastForward.featuresInHwcOrder(d, 3, 2, 2).toFloatArray();
      // unit 0, (h0, w0): channels 0, 1, 2 sit at chw positions 0, 4, 8
      assertThat(hwc).startsWith(0f, 4f, 8f, 1f, 5f, 9f);
      assertThat(hwc[12]).isEqualTo(12f);
    }
  }

  @Test
  void shouldServeTheSameClassesInBothLayoutsAndRejectAnUnknownOne() throws Exception {
    ModelVersion version = ModelVersions.untrained("mnist", 1, Architecture.CNN_V1, 3);
    byte[] images = new byte[100 * 784];
    new Random(4).nextBytes(images);
    String before = System.getProperty(LoadedModel.LAYOUT_PROPERTY);
    try {
      System.setProperty(LoadedModel.LAYOUT_PROPERTY, "nchw");
      float[] nchw;
      try (LoadedModel model = LoadedModel.load(version, Architecture.CNN_V1)) {
        nchw = model.predict(model.normalizer().normalizeAll(images, 0, 100), 100);
      }
      System.setProperty(LoadedModel.LAYOUT_PROPERTY, "channels-last");
      try (LoadedModel model = LoadedModel.load(version, Architecture.CNN_V1)) {
        float[] channelsLast = model.predict(model.normalizer().normalizeAll(images, 0, 100), 100);
        for (int i = 0; i < nchw.length; i++) {
          assertThat(channelsLast[i])
              .isCloseTo(nchw[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
        for (int row = 0; row < 100; row++) {
          assertThat(argMax(channelsLast, row)).isEqualTo(argMax(nchw, row));
        }
      }
      System.setProperty(LoadedModel.LAYOUT_PROPERTY, "nhwc");
      assertThatThrownBy(() -> LoadedModel.load(version, Architecture.CNN_V1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("channels-last or nchw");
    } finally {
      if (before == null) {
        System.clearProperty(LoadedModel.LAYOUT_PROPERTY);
      } else {
        System.setProperty(LoadedModel.LAYOUT_PROPERTY, before);
      }
    }
  }

  private static int argMax(float[] rows, int row) {
    int best = 0;
    for (int k = 1; k < 10; k++) {
      if (rows[row * 10 + k] > rows[row * 10 + best]) {
        best = k;
      }
    }
    return best;
  }
}
