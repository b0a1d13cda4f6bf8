package org.mniststream.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * PNG to {@link GrayImage} with the JDK alone. Colour is reduced to luminance, transparency is
 * composited over white, and the polarity is brought to MNIST's (light ink on black) by looking at
 * the border: a light border means dark ink on a light background (paper, most canvases), which is
 * inverted.
 */
public final class PngImages {
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};

  private PngImages() {}

  /**
   * Decodes a PNG whose declared size must match its header, and whose size must not exceed {@code
   * maxSide} on either side. The header is read before any pixel is decoded, so a decompression
   * bomb is refused without allocating it.
   */
  public static GrayImage decode(byte[] png, int declaredWidth, int declaredHeight, int maxSide)
      throws ImageDecodeException {
    if (png.length < PNG_SIGNATURE.length) {
      throw fail("not a PNG: " + png.length + " bytes", null);
    }
    for (int i = 0; i < PNG_SIGNATURE.length; i++) {
      if (png[i] != PNG_SIGNATURE[i]) {
        throw fail("not a PNG: bad signature", null);
      }
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw fail("no PNG reader accepts these bytes", null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width > maxSide || height > maxSide) {
          throw new ImageDecodeException(
              ImageDecodeException.Kind.IMAGE_TOO_LARGE,
              "PNG is " + width + "x" + height + ", over the limit of " + maxSide + " per side",
              null);
        }
        if (width != declaredWidth || height != declaredHeight) {
          throw new ImageDecodeException(
              ImageDecodeException.Kind.INVALID_DIMENSIONS,
              "PNG is "
                  + width
                  + "x"
                  + height
                  + " but the event declares "
                  + declaredWidth
                  + "x"
                  + declaredHeight,
              null);
        }
        return toGray(reader.read(0));
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw fail("PNG does not decode: " + e.getMessage(), e);
    }
  }

  private static ImageDecodeException fail(String message, Throwable cause) {
    return new ImageDecodeException(ImageDecodeException.Kind.PNG_DECODE_FAILED, message, cause);
  }

  /** Luminance over white, then MNIST polarity. */
  static GrayImage toGray(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] out = new byte[w * h];
    long borderSum = 0;
    int borderCount = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        int a = (argb >>> 24) & 0xFF;
        int r = (argb >>> 16) & 0xFF;
        int g = (argb >>> 8) & 0xFF;
        int b = argb & 0xFF;
        double lum = 0.299 * r + 0.587 * g + 0.114 * b;
        int v = (int) Math.round((a * lum + (255 - a) * 255.0) / 255.0);
        out[y * w + x] = (byte) v;
        if (x == 0 || y == 0 || x == w - 1 || y == h - 1) {
          borderSum += v;
          borderCount++;
        }
      }
    }
    if (borderSum > 127L * borderCount) {
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) (255 - (out[i] & 0xFF));
      }
    }
    return new GrayImage(w, h, out);
  }
}
