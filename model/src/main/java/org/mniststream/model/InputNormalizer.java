package org.mniststream.model;

import org.mniststream.schemas.InputContract;

/**
 * Pixels to network input exactly as an {@link InputContract} prescribes: {@code (p * scale - mean)
 * / std} for each 8-bit pixel p. The trainer and the stream app both call this one class, so
 * training and serving cannot drift apart.
 *
 * <p>Immutable and thread-safe. The per-pixel mapping is precomputed into a 256-entry table, so
 * normalizing an image is one table look-up per pixel with no arithmetic on the hot path.
 */
public final class InputNormalizer {
  private final int pixels;
  private final float[] table = new float[256];

  public InputNormalizer(InputContract contract) {
    var problems = InputContracts.problems(contract);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("unusable input contract: " + String.join("; ", problems));
    }
    this.pixels = contract.getHeight() * contract.getWidth() * contract.getChannels();
    for (int p = 0; p < 256; p++) {
      // float arithmetic in this exact order on both sides is what makes parity bit-exact
      table[p] = (p * contract.getScale() - contract.getMean()) / contract.getStd();
    }
  }

  /** Pixels per image (height * width * channels). */
  public int pixelsPerImage() {
    return pixels;
  }

  /** The value a single 8-bit pixel maps to. */
  public float valueOf(int unsignedPixel) {
    return table[unsignedPixel & 0xFF];
  }

  /**
   * Normalizes one image of {@link #pixelsPerImage()} gray8 bytes starting at {@code srcOffset}
   * into {@code dst} starting at {@code dstOffset}.
   */
  public void normalize(byte[] src, int srcOffset, float[] dst, int dstOffset) {
    for (int i = 0; i < pixels; i++) {
      dst[dstOffset + i] = table[src[srcOffset + i] & 0xFF];
    }
  }

  /** Normalizes {@code count} consecutive images into a new array. */
  public float[] normalizeAll(byte[] src, int srcOffset, int count) {
    float[] out = new float[count * pixels];
    for (int i = 0; i < count; i++) {
      normalize(src, srcOffset + i * pixels, out, i * pixels);
    }
    return out;
  }
}
