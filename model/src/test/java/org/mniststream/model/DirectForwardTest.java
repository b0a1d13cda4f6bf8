package org.mniststream.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DirectForwardTest {

  @ParameterizedTest
  @EnumSource(Architecture.class)
  void shouldGiveTheBlocksLogitsBitForBit(Architecture architecture) {
    float[] input = new float[5 * 784];
    Random random = new Random(11);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (Model model =
            ModelVersions.newInitialized(architecture, InputContracts.scaledToUnit(), 5);
        NDManager manager = model.getNDManager().newSubManager()) {
      PtNDArray x = (PtNDArray) manager.create(input, new Shape(5, 1, 28, 28));
      float[] expected =
          model
              .getBlock()
              .forward(new ParameterStore(manager, false), new NDList(x), false)
              .singletonOrThrow()
              .toFloatArray();
      float[] actual = DirectForward.of(architecture, model.getBlock()).logits(x).toFloatArray();
      assertThat(actual).containsExactly(expected);
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  @Test
  void shouldPoolLikeLibtorchMaxPoolIncludingOddSidesAndNaN() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      float[] values = new float[2 * 3 * 11 * 11];
      Random random = new Random(3);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
      }
      values[17] = Float.NaN;
      PtNDArray x = (PtNDArray) manager.create(values, new Shape(2, 3, 11, 11));
      float[] expected =
          JniUtils.maxPool(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false)
              .toFloatArray();
      assertThat(DirectForward.maxPool2x2(x).toFloatArray()).containsExactly(expected);
    }
  }
}
