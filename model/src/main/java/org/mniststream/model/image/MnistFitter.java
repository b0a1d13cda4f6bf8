package org.mniststream.model.image;

/**
 * Brings an image of any size to a model's input the way MNIST itself was made: the ink's bounding
 * box is scaled (preserving aspect ratio, with area-averaging anti-aliasing) to fit a 20x20 box,
 * and placed in a 28x28 field so that its centre of mass sits at the centre; background 0.
 *
 * <p>An image that already has the target size is returned unchanged: MNIST-like producers send
 * digits that are already prepared, and re-centring them would only move them away from the
 * distribution the model was trained on.
 */
public final class MnistFitter {
  private static final int BOX = 20;

  private MnistFitter() {}

  public static GrayImage fit(GrayImage image, int targetWidth, int targetHeight) {
    if (image.width() == targetWidth && image.height() == targetHeight) {
      return image;
    }
    int minX = Integer.MAX_VALUE;
    int minY = Integer.MAX_VALUE;
    int maxX = -1;
    int maxY = -1;
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        if (image.at(x, y) > 0) {
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x);
          maxY = Math.max(maxY, y);
        }
      }
    }
    byte[] out = new byte[targetWidth * targetHeight];
    if (maxX < 0) {
      return new GrayImage(targetWidth, targetHeight, out); // no ink at all
    }
    int boxW = maxX - minX + 1;
    int boxH = maxY - minY + 1;
    double scale =
        (double) Math.min(BOX, Math.min(targetWidth, targetHeight)) / Math.max(boxW, boxH);
    int w = Math.max(1, (int) Math.round(boxW * scale));
    int h = Math.max(1, (int) Math.round(boxH * scale));
    double[] scaled = resample(image, minX, minY, boxW, boxH, w, h);

    double mass = 0;
    double cx = 0;
    double cy = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v = scaled[y * w + x];
        mass += v;
        cx += v * x;
        cy += v * y;
      }
    }
    cx = mass > 0 ? cx / mass : (w - 1) / 2.0;
    cy = mass > 0 ? cy / mass : (h - 1) / 2.0;
    int offX = (int) Math.round((targetWidth - 1) / 2.0 - cx);
    int offY = (int) Math.round((targetHeight - 1) / 2.0 - cy);
    for (int y = 0; y < h; y++) {
      int ty = y + offY;
      if (ty < 0 || ty >= targetHeight) {
        continue;
      }
      for (int x = 0; x < w; x++) {
        int tx = x + offX;
        if (tx >= 0 && tx < targetWidth) {
          out[ty * targetWidth + tx] = (byte) Math.min(255, Math.round(scaled[y * w + x]));
        }
      }
    }
    return new GrayImage(targetWidth, targetHeight, out);
  }

  /** Area-averaging resample of a source rectangle to w x h (exact box filter, any ratio). */
  private static double[] resample(GrayImage src, int x0, int y0, int sw, int sh, int w, int h) {
    double[] out = new double[w * h];
    double fx = (double) sw / w;
    double fy = (double) sh / h;
    for (int oy = 0; oy < h; oy++) {
      double sy0 = oy * fy;
      double sy1 = sy0 + fy;
      for (int ox = 0; ox < w; ox++) {
        double sx0 = ox * fx;
        double sx1 = sx0 + fx;
        double sum = 0;
        double area = 0;
        for (int sy = (int) Math.floor(sy0); sy < Math.min(sh, (int) Math.ceil(sy1)); sy++) {
          double wy = Math.min(sy + 1, sy1) - Math.max(sy, sy0);
          for (int sx = (int) Math.floor(sx0); sx < Math.min(sw, (int) Math.ceil(sx1)); sx++) {
            double wx = Math.min(sx + 1, sx1) - Math.max(sx, sx0);
            sum += wx * wy * src.at(x0 + sx, y0 + sy);
            area += wx * wy;
          }
        }
        out[oy * w + ox] = area > 0 ? sum / area : 0;
      }
    }
    return out;
  }
}
