package org.mniststream.app.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.PixelEncoding;

/** Image events and rollouts as the bytes their topics carry. */
public final class TestEvents {
  public static final Instant EVENT_TIME = Instant.parse("2025-01-01T00:00:00Z");

  private TestEvents() {}

  /** A 28x28 RAW_GRAY8 event whose pixels are seeded by the id: a vertical stroke plus noise. */
  public static ImageEvent raw28(String eventId, Integer label) {
    return raw(eventId, 28, 28, digitLike(eventId, 28, 28), label);
  }

  public static ImageEvent raw(
      String eventId, int width, int height, byte[] pixels, Integer label) {
    return ImageEvent.newBuilder()
        .setEventId(eventId)
        .setSource("test")
        .setEventTime(EVENT_TIME)
        .setHeight(height)
        .setWidth(width)
        .setEncoding(PixelEncoding.RAW_GRAY8)
        .setPixels(ByteBuffer.wrap(pixels))
        .setLabel(label)
        .setAttributes(Map.of())
        .build();
  }

  /** A PNG event of the given size: dark ink on white paper, as a phone photo would be. */
  public static ImageEvent png(String eventId, int width, int height) {
    return ImageEvent.newBuilder(raw28(eventId, null))
        .setWidth(width)
        .setHeight(height)
        .setEncoding(PixelEncoding.PNG)
        .setPixels(ByteBuffer.wrap(pngBytes(width, height)))
        .build();
  }

  public static byte[] pngBytes(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean ink =
            Math.abs(x - width / 2) < Math.max(1, width / 10)
                && y > height / 5
                && y < height - height / 5;
        int v = ink ? 0 : 255;
        image.getRaster().setSample(x, y, 0, v);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] digitLike(String seed, int width, int height) {
    Random random = new Random(seed.hashCode());
    byte[] pixels = new byte[width * height];
    int column = width / 3 + random.nextInt(Math.max(1, width / 3));
    for (int y = height / 5; y < height - height / 5; y++) {
      for (int dx = 0; dx < 3; dx++) {
        pixels[y * width + Math.min(width - 1, column + dx)] = (byte) (150 + random.nextInt(106));
      }
    }
    for (int i = 0; i < pixels.length / 20; i++) {
      pixels[random.nextInt(pixels.length)] = (byte) random.nextInt(256);
    }
    return pixels;
  }

  public static byte[] encode(ImageEvent e) {
    return ContractSerdes.imageEvent().encode(e);
  }

  public static byte[] key(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] rollout(Long pin, Long canary, int percent, Long shadow) {
    return ContractSerdes.modelRollout()
        .encode(
            ModelRollout.newBuilder()
                .setModelName(TestModelRecords.NAME)
                .setActiveVersion(pin)
                .setCanaryVersion(canary)
                .setCanaryPercent(percent)
                .setShadowVersion(shadow)
                .setIssuedAt(Instant.now())
                .setIssuedBy("test")
                .setReason(null)
                .build());
  }
}
