package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.mniststream.model.InputContracts;
import org.mniststream.model.InputNormalizer;
import org.mniststream.schemas.InputContract;
import org.mniststream.trainer.training.SubsetModels;

class BatchFeederTest {
  private static final IdxDataset TEST = SubsetModels.subsetData().test();

  @Test
  void shouldProduceExactlyWhatServingsNormalizerProducesForTheSameImages() {
    for (InputContract contract :
        new InputContract[] {
          InputContracts.scaledToUnit(),
          InputContracts.standardized(InputContracts.MNIST_MEAN, InputContracts.MNIST_STD)
        }) {
      InputNormalizer normalizer = new InputNormalizer(contract);
      BatchFeeder feeder = new BatchFeeder(TEST, normalizer, 4);
      int[] order = {17, 3, 999, 0};

      feeder.fill(order, 0, 4);

      float[] expected = new float[4 * 784];
      for (int j = 0; j < 4; j++) {
        float[] one = normalizer.normalizeAll(TEST.pixelsOf(order[j]), 0, 1);
        System.arraycopy(one, 0, expected, j * 784, 784);
      }
      assertThat(feeder.input()).containsExactly(expected);
      assertThat(feeder.labels())
          .containsExactly(TEST.label(17), TEST.label(3), TEST.label(999), TEST.label(0));
    }
  }

  @Test
  void shouldMirrorEachBatchIntoTheDirectBuffersHandedToPyTorch() {
    BatchFeeder feeder =
        new BatchFeeder(TEST, new InputNormalizer(InputContracts.scaledToUnit()), 8);
    feeder.fill(new int[] {5, 6, 7}, 0, 3);

    ByteBuffer input = feeder.inputBuffer(3);
    ByteBuffer labels = feeder.labelBuffer(3);

    assertThat(input.isDirect()).isTrue();
    assertThat(input.order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(input.remaining()).isEqualTo(3 * 784 * Float.BYTES);
    float[] floats = new float[3 * 784];
    input.asFloatBuffer().get(floats);
    assertThat(floats).containsExactly(Arrays.copyOf(feeder.input(), 3 * 784));
    long[] longs = new long[3];
    labels.asLongBuffer().get(longs);
    assertThat(longs).containsExactly(TEST.label(5), TEST.label(6), TEST.label(7));
  }

  @Test
  void shouldReuseOneBufferAndFillOnlyTheBatchsPrefix() {
    BatchFeeder feeder =
        new BatchFeeder(TEST, new InputNormalizer(InputContracts.scaledToUnit()), 8);
    float[] buffer = feeder.input();
    Arrays.fill(buffer, -7f);

    feeder.fillRange(10, 2);

    assertThat(feeder.input()).isSameAs(buffer);
    assertThat(buffer[2 * 784 - 1]).isNotEqualTo(-7f);
    assertThat(buffer[2 * 784]).isEqualTo(-7f);
    assertThatThrownBy(() -> feeder.fillRange(0, 9)).isInstanceOf(IllegalArgumentException.class);
  }
}
