package org.mniststream.dashboard;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.PixelEncoding;

/**
 * A small grayscale picture of an image event for the page's strip: at most {@value #MAX_SIDE}
 * pixels a side, 0 = background, 255 = ink, as MNIST. Larger images are box-averaged down on
 * arrival, so the dashboard keeps at most 784 bytes per image whatever producers send.
 */
record Thumbnail(int width, int height, byte[] gray) {
  static final int MAX_SIDE = 28;

  /** PNGs bigger than this are not decoded for a thumbnail (the strip shows a blank). */
  static final int MAX_PNG_BYTES = 512 * 1024;

  /** Raw images with a side above this are not worth a thumbnail (the app refuses them). */
  static final int MAX_SOURCE_SIDE = 4096;

  /** PNGs declaring a side above this are not decoded: 1024 is the app's default max side. */
  static final int MAX_PNG_SIDE = 1024;

  Thumbnail {
    if (width < 1 || height < 1 || gray.length != width * height) {
      throw new IllegalArgumentException(
          "thumbnail of " + width + "x" + height + " with " + gray.length + " pixels");
    }
  }

  String base64() {
    return Base64.getEncoder().encodeToString(gray);
  }

  /** The thumbnail of an event, empty when its pixels cannot be read (the app dead-letters it). */
  static Optional<Thumbnail> of(ImageEvent event) {
    int width = event.getWidth();
    int height = event.getHeight();
    ByteBuffer buffer = event.getPixels();
    if (width < 1 || height < 1 || width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE) {
      return Optional.empty();
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    if (event.getEncoding() == PixelEncoding.RAW_GRAY8) {
      if (bytes.length != width * height) {
        return Optional.empty();
      }
      return Optional.of(downscale(width, height, bytes));
    }
    if (event.getEncoding() == PixelEncoding.PNG && bytes.length <= MAX_PNG_BYTES) {
      return decodePng(bytes).map(t -> downscale(t.width, t.height, t.gray));
    }
    return Optional.empty();
  }

  /** A PNG as grayscale, composited on black (transparent = background); empty if undecodable. */
  static Optional<Thumbnail> decodePng(byte[] png) {
    // Read the declared size first: a small file can declare a huge image (a PNG bomb).
    if (png.length < 24
        || !"IHDR".equals(new String(png, 12, 4, java.nio.charset.StandardCharsets.US_ASCII))) {
      return Optional.empty();
    }
    long declaredWidth = ByteBuffer.wrap(png, 16, 4).getInt() & 0xffffffffL;
    long declaredHeight = ByteBuffer.wrap(png, 20, 4).getInt() & 0xffffffffL;
    if (declaredWidth > MAX_PNG_SIDE || declaredHeight > MAX_PNG_SIDE) {
      return Optional.empty();
    }
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(png));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (image == null) {
      return Optional.empty();
    }
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] gray = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = image.getRGB(x, y);
        int a = (argb >>> 24) & 0xff;
        int r = (argb >> 16) & 0xff;
        int g = (argb >> 8) & 0xff;
        int b = argb & 0xff;
        double luminance = 0.299 * r + 0.587 * g + 0.114 * b;
        gray[y * w + x] = (byte) Math.round(luminance * a / 255.0);
      }
    }
    return Optional.of(new Thumbnail(w, h, gray));
  }

  /** Box-averages an image to fit in {@value #MAX_SIDE} x {@value #MAX_SIDE}, keeping its shape. */
  static Thumbnail downscale(int width, int height, byte[] gray) {
    int side = Math.max(width, height);
    if (side <= MAX_SIDE) {
      return new Thumbnail(width, height, gray.clone());
    }
    int tw = Math.max(1, (int) Math.round((double) width * MAX_SIDE / side));
    int th = Math.max(1, (int) Math.round((double) height * MAX_SIDE / side));
    byte[] out = new byte[tw * th];
    for (int ty = 0; ty < th; ty++) {
      int y0 = (int) ((long) ty * height / th);
      int y1 = Math.max(y0 + 1, (int) ((long) (ty + 1) * height / th));
      for (int tx = 0; tx < tw; tx++) {
        int x0 = (int) ((long) tx * width / tw);
        int x1 = Math.max(x0 + 1, (int) ((long) (tx + 1) * width / tw));
        long sum = 0;
        for (int y = y0; y < y1; y++) {
          for (int x = x0; x < x1; x++) {
            sum += gray[y * width + x] & 0xff;
          }
        }
        out[ty * tw + tx] = (byte) Math.round((double) sum / ((y1 - y0) * (x1 - x0)));
      }
    }
    return new Thumbnail(tw, th, out);
  }
}
