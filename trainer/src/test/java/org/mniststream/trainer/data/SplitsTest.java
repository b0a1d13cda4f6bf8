package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SplitsTest {

  @Test
  void shouldGiveSameOrderForSameSeed() {
    assertThat(Splits.shuffledIndices(1000, 7)).isEqualTo(Splits.shuffledIndices(1000, 7));
  }

  @Test
  void shouldGiveDifferentOrderForDifferentSeed() {
    assertThat(Splits.shuffledIndices(1000, 7)).isNotEqualTo(Splits.shuffledIndices(1000, 8));
  }

  @Test
  void shouldKeepOrderForSeedStableAcrossReleases() {
    // Pinned (and checked against an independent implementation of java.util.Random): a recorded
    // seed must reproduce its exact split on any JDK and any later version of this code.
    assertThat(Splits.shuffledIndices(10, 42)).containsExactly(4, 6, 2, 1, 7, 9, 8, 5, 3, 0);
  }

  @Test
  void shouldReturnPermutationOfAllIndices() {
    int[] shuffled = Splits.shuffledIndices(500, 3);

    assertThat(Arrays.stream(shuffled).sorted().toArray())
        .isEqualTo(IntStream.range(0, 500).toArray());
    assertThat(shuffled).isNotEqualTo(IntStream.range(0, 500).toArray());
  }

  @Test
  void shouldSplitMnistTrainingSet80To20() {
    Splits.Split split = Splits.trainValidation(60_000, 0.2, 1);

    assertThat(split.train()).hasSize(48_000);
    assertThat(split.validation()).hasSize(12_000);
  }

  @Test
  void shouldMakeDisjointSplitsCoveringEveryIndex() {
    Splits.Split split = Splits.trainValidation(1001, 0.25, 5);

    assertThat(split.validation()).hasSize(250);
    int[] all =
        IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.validation()))
            .sorted()
            .toArray();
    assertThat(all).isEqualTo(IntStream.range(0, 1001).toArray());
  }

  @Test
  void shouldSplitDeterministicallyFromSeed() {
    Splits.Split first = Splits.trainValidation(3000, 0.2, 99);
    Splits.Split again = Splits.trainValidation(3000, 0.2, 99);
    Splits.Split other = Splits.trainValidation(3000, 0.2, 100);

    assertThat(again.train()).isEqualTo(first.train());
    assertThat(again.validation()).isEqualTo(first.validation());
    assertThat(other.validation()).isNotEqualTo(first.validation());
  }

  @Test
  void shouldAllowEmptyValidation() {
    Splits.Split split = Splits.trainValidation(10, 0, 1);

    assertThat(split.train()).hasSize(10);
    assertThat(split.validation()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, 1.0, 1.5, Double.NaN})
  void shouldRejectFractionOutsideZeroToOne(double fraction) {
    assertThatThrownBy(() -> Splits.trainValidation(10, fraction, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldApplySplitToDataset() {
    IdxDataset dataset =
        new IdxDataset(IdxReaderTest.pixels(10), IdxReaderTest.labels(10), 10, 28, 28);
    Splits.Split split = Splits.trainValidation(10, 0.3, 4);

    IdxDataset train = split.trainOf(dataset);
    IdxDataset validation = split.validationOf(dataset);

    assertThat(train.count()).isEqualTo(7);
    assertThat(validation.count()).isEqualTo(3);
    assertThat(validation.pixelsOf(0)).isEqualTo(dataset.pixelsOf(split.validation()[0]));
    assertThat(train.label(6)).isEqualTo(dataset.label(split.train()[6]));
  }
}
