package org.mniststream.benchmarks;

import java.util.Arrays;
import java.util.Random;
import org.mniststream.model.InputNormalizer;

/**
 * Benchmark inputs: seeded random gray8 bytes, normalized with the model's own {@link
 * InputNormalizer}. The values do not change the speed of a dense CNN (no data-dependent branches,
 * no sparsity shortcuts in libtorch's CPU kernels), so real MNIST digits are not needed.
 */
final class MnistLikeInputs {
  /** Largest batch any benchmark asks for. */
  static final int MAX_BATCH = 256;

  private MnistLikeInputs() {}

  /** {@code count} normalized images laid out one after another. */
  static float[] batch(InputNormalizer normalizer, int count, long seed) {
    byte[] pixels = new byte[count * normalizer.pixelsPerImage()];
    new Random(seed).nextBytes(pixels);
    return normalizer.normalizeAll(pixels, 0, count);
  }

  /** The same images, one array per image, as a per-record consumer would receive them. */
  static float[][] records(InputNormalizer normalizer, int count, long seed) {
    float[] all = batch(normalizer, count, seed);
    int pixels = normalizer.pixelsPerImage();
    float[][] records = new float[count][];
    for (int i = 0; i < count; i++) {
      records[i] = Arrays.copyOfRange(all, i * pixels, (i + 1) * pixels);
    }
    return records;
  }
}
