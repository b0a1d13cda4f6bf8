package org.mniststream.model.image;

/**
 * An 8-bit grayscale image, row-major, MNIST polarity (0 = background, 255 = ink). The array is not
 * copied: the creator hands it over.
 */
public record GrayImage(int width, int height, byte[] pixels) {
  public GrayImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("dimensions must be positive: " + width + "x" + height);
    }
    if (pixels.length != (long) width * height) {
      throw new IllegalArgumentException(
          "expected " + (long) width * height + " pixels, got " + pixels.length);
    }
  }

  public int at(int x, int y) {
    return pixels[y * width + x] & 0xFF;
  }
}
