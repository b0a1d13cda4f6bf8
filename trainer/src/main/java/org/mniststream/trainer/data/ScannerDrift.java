package org.mniststream.trainer.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * "A new scanner": a deterministic, seeded distribution shift of grayscale digit images, the kind
 * an upstream hardware change causes while the labels stay what they were. Each image goes through,
 * in order:
 *
 * <ol>
 *   <li><b>thicker strokes</b> (a grayscale dilation): a scanner with a softer optic and a darker
 *       binarisation threshold spreads ink into neighbouring pixels;
 *   <li><b>a rotation</b> of up to {@link Settings#maxRotationDegrees} either way (bilinear): a
 *       sheet feeder without deskew, so each form goes in at its own slant;
 *   <li><b>lower contrast on a grey background</b>: a worn lamp and an uncalibrated white point
 *       make the paper grey and the ink less dark (MNIST stores ink as bright on a 0 background, so
 *       the paper becomes {@link Settings#background} and the ink is scaled by {@link
 *       Settings#contrast});
 *   <li><b>sensor noise</b>: Gaussian, per pixel, from a cheaper sensor.
 * </ol>
 *
 * <p>The angle and the noise of image {@code i} come from a generator seeded by {@code (seed, i)}
 * alone, so the same seed and index always give the same bytes, whatever order images are shifted
 * in. An instance keeps two scratch planes and is therefore not thread-safe: one per thread.
 */
public final class ScannerDrift {

  /**
   * The strength of each effect; {@link #DEFAULTS} is the shift measured in docs/BENCHMARKS.md ("A
   * drift: the new scanner").
   *
   * @param strokeRadius dilation radius in pixels: each pixel takes the brightest value within a
   *     {@code (2r+1)x(2r+1)} square; 0 = no thickening (default 1)
   * @param maxRotationDegrees each image is rotated by a uniform angle in {@code [-max, +max]}
   *     degrees about its centre; 0 = none (default 10)
   * @param contrast the factor on the ink, in (0, 1] (default 0.6)
   * @param background the grey level of the paper, 0..255, added under the ink (default 110)
   * @param noiseSigma standard deviation of the Gaussian sensor noise in grey levels (default 8)
   */
  public record Settings(
      int strokeRadius,
      double maxRotationDegrees,
      double contrast,
      int background,
      double noiseSigma) {

    /**
     * The new scanner as measured in docs/BENCHMARKS.md. Its strength is chosen so that the
     * 10-epoch v1 loses more than 10 points on it while a fine-tune on a few thousand labelled
     * events wins them back: a grey paper and weaker ink (which v1 never saw) cost the most and are
     * learnable; rotation and noise destroy information, so they are kept moderate. (An earlier
     * default, 25 degrees on paper at grey 60 with noise 12, cost the 10-epoch v1 only 9.4 points
     * and healed to about 96.5 % from 8,000 events.)
     */
    public static final Settings DEFAULTS = new Settings(1, 10, 0.6, 110, 8);

    /** Leaves every image exactly as it was. */
    public static final Settings NONE = new Settings(0, 0, 1, 0, 0);

    public Settings {
      if (strokeRadius < 0 || strokeRadius > 3) {
        throw new IllegalArgumentException("strokeRadius must be 0..3, was " + strokeRadius);
      }
      if (!(maxRotationDegrees >= 0 && maxRotationDegrees <= 180)) {
        throw new IllegalArgumentException(
            "maxRotationDegrees must be 0..180, was " + maxRotationDegrees);
      }
      if (!(contrast > 0 && contrast <= 1)) {
        throw new IllegalArgumentException("contrast must be in (0, 1], was " + contrast);
      }
      if (background < 0 || background > 255) {
        throw new IllegalArgumentException("background must be 0..255, was " + background);
      }
      if (!(noiseSigma >= 0 && noiseSigma <= 128)) {
        throw new IllegalArgumentException("noiseSigma must be 0..128, was " + noiseSigma);
      }
    }
  }

  private final Settings settings;
  private final long seed;
  private final int rows;
  private final int cols;
  private final float[] plane;
  private final float[] scratch;

  /** A shift of {@code rows x cols} images with these settings and seed. */
  public ScannerDrift(Settings settings, long seed, int rows, int cols) {
    this.settings = Objects.requireNonNull(settings, "settings");
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("invalid image size " + rows + "x" + cols);
    }
    this.seed = seed;
    this.rows = rows;
    this.cols = cols;
    this.plane = new float[rows * cols];
    this.scratch = new float[rows * cols];
  }

  public Settings settings() {
    return settings;
  }

  public long seed() {
    return seed;
  }

  /**
   * A new dataset: every image of {@code source} shifted, with {@code index} = its position there;
   * labels, count and size unchanged (the labels array is copied).
   */
  public static IdxDataset shift(IdxDataset source, Settings settings, long seed) {
    ScannerDrift drift = new ScannerDrift(settings, seed, source.rows(), source.cols());
    byte[] out = new byte[source.pixels().length];
    int size = source.imageSize();
    for (int i = 0; i < source.count(); i++) {
      drift.apply(source.pixels(), i * size, out, i * size, i);
    }
    return new IdxDataset(
        out, source.labels().clone(), source.count(), source.rows(), source.cols());
  }

  /**
   * Shifts one image: reads {@code rows*cols} unsigned bytes of {@code src} from {@code srcOffset}
   * and writes the shifted image to {@code dst} from {@code dstOffset} ({@code src} and {@code dst}
   * may be the same region).
   *
   * @param index the image's index, which with the seed decides its angle and its noise
   */
  public void apply(byte[] src, int srcOffset, byte[] dst, int dstOffset, long index) {
    int size = rows * cols;
    Objects.checkFromIndexSize(srcOffset, size, src.length);
    Objects.checkFromIndexSize(dstOffset, size, dst.length);
    SplittableRandom random = new SplittableRandom(mix(seed, index));
    for (int p = 0; p < size; p++) {
      plane[p] = src[srcOffset + p] & 0xff;
    }
    if (settings.strokeRadius() > 0) {
      dilate(plane, scratch, rows, cols, settings.strokeRadius());
      System.arraycopy(scratch, 0, plane, 0, size);
    }
    // Drawn even when the rotation is 0, so the noise of an image does not depend on it.
    double angle = (random.nextDouble() * 2 - 1) * Math.toRadians(settings.maxRotationDegrees());
    if (angle != 0) {
      rotate(plane, scratch, rows, cols, angle);
      System.arraycopy(scratch, 0, plane, 0, size);
    }
    double contrast = settings.contrast();
    int background = settings.background();
    double sigma = settings.noiseSigma();
    for (int p = 0; p < size; p++) {
      double value = background + contrast * plane[p];
      if (sigma > 0) {
        value += sigma * random.nextGaussian();
      }
      dst[dstOffset + p] = (byte) clamp(Math.round(value));
    }
  }

  /** The angle in radians that image {@code index} is rotated by. */
  public double angleOf(long index) {
    SplittableRandom random = new SplittableRandom(mix(seed, index));
    return (random.nextDouble() * 2 - 1) * Math.toRadians(settings.maxRotationDegrees());
  }

  /** Grayscale dilation: each output pixel is the maximum within a square of radius r. */
  static void dilate(float[] src, float[] dst, int rows, int cols, int radius) {
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        float max = 0;
        for (int yy = Math.max(0, y - radius); yy <= Math.min(rows - 1, y + radius); yy++) {
          int row = yy * cols;
          for (int xx = Math.max(0, x - radius); xx <= Math.min(cols - 1, x + radius); xx++) {
            max = Math.max(max, src[row + xx]);
          }
        }
        dst[y * cols + x] = max;
      }
    }
  }

  /**
   * Rotates {@code src} by {@code radians} about the image centre into {@code dst}, bilinear;
   * positive angles turn the picture counter-clockwise as displayed (row 0 at the top). Pixels that
   * come from outside the image are 0 (background).
   */
  static void rotate(float[] src, float[] dst, int rows, int cols, double radians) {
    double cy = (rows - 1) / 2.0;
    double cx = (cols - 1) / 2.0;
    double cos = Math.cos(radians);
    double sin = Math.sin(radians);
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        // Inverse mapping: where in the source does this output pixel come from? With y pointing
        // down, a counter-clockwise turn on screen maps source (dx, dy) to (dx cos + dy sin,
        // -dx sin + dy cos); its inverse is below.
        double dx = x - cx;
        double dy = y - cy;
        double sx = cx + dx * cos - dy * sin;
        double sy = cy + dx * sin + dy * cos;
        dst[y * cols + x] = bilinear(src, rows, cols, sx, sy);
      }
    }
  }

  private static float bilinear(float[] src, int rows, int cols, double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    double top = (1 - fx) * at(src, rows, cols, x0, y0) + fx * at(src, rows, cols, x0 + 1, y0);
    double bottom =
        (1 - fx) * at(src, rows, cols, x0, y0 + 1) + fx * at(src, rows, cols, x0 + 1, y0 + 1);
    return (float) ((1 - fy) * top + fy * bottom);
  }

  private static float at(float[] src, int rows, int cols, int x, int y) {
    return x < 0 || y < 0 || x >= cols || y >= rows ? 0 : src[y * cols + x];
  }

  private static int clamp(long value) {
    return (int) Math.max(0, Math.min(255, value));
  }

  /** A well-spread 64-bit seed for image {@code index} (SplitMix64's finaliser over both). */
  private static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
