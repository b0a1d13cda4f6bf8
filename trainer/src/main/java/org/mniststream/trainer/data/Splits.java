package org.mniststream.trainer.data;

import java.util.Arrays;
import java.util.Random;

/**
 * Deterministic shuffles and train/validation splits: the same seed always gives the same order, so
 * a training run can be reproduced from its seed alone.
 */
public final class Splits {
  private Splits() {}

  /** A train/validation partition of indices; both arrays are owned by the caller. */
  public record Split(int[] train, int[] validation) {
    /** The training part of {@code dataset} (a copy). */
    public IdxDataset trainOf(IdxDataset dataset) {
      return dataset.subset(train);
    }

    /** The validation part of {@code dataset} (a copy). */
    public IdxDataset validationOf(IdxDataset dataset) {
      return dataset.subset(validation);
    }

    @Override
    public String toString() {
      return "Split[train=" + train.length + ", validation=" + validation.length + "]";
    }
  }

  /** A permutation of {@code 0..count-1} determined by {@code seed} (Fisher-Yates). */
  public static int[] shuffledIndices(int count, long seed) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    int[] indices = new int[count];
    Arrays.setAll(indices, i -> i);
    // java.util.Random, unlike SplittableRandom, specifies its algorithm (nextInt(bound)
    // included), so an order recorded with a seed is reproducible on any JDK.
    Random random = new Random(seed);
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = indices[i];
      indices[i] = indices[j];
      indices[j] = swap;
    }
    return indices;
  }

  /**
   * Splits {@code 0..count-1} into train and validation: the indices are shuffled with {@code
   * seed}, the first {@code round(count * validationFraction)} become validation and the rest
   * train, each in shuffled order. A fraction of 0.2 gives the 80/20 split.
   *
   * @param validationFraction in {@code [0, 1)}
   */
  public static Split trainValidation(int count, double validationFraction, long seed) {
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validationFraction must be in [0, 1): " + validationFraction);
    }
    int[] shuffled = shuffledIndices(count, seed);
    int validationSize = (int) Math.round(count * validationFraction);
    return new Split(
        Arrays.copyOfRange(shuffled, validationSize, count),
        Arrays.copyOfRange(shuffled, 0, validationSize));
  }
}
