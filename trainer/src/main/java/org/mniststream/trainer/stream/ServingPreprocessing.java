package org.mniststream.trainer.stream;

import org.mniststream.model.image.GrayImage;
import org.mniststream.model.image.ImageDecodeException;
import org.mniststream.model.image.MnistFitter;
import org.mniststream.model.image.PngImages;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;

/**
 * Turns an image-event record into the 28x28 image serving would classify, or the reason serving
 * would dead-letter it.
 *
 * <p>Same code as serving: decoding ({@link ContractSerdes#imageEvent()}), PNG decoding ({@link
 * PngImages}) and MNIST-style fitting ({@link MnistFitter}) live in the {@code model} and {@code
 * schemas} modules and are called here exactly as the stream app's {@code
 * app/topology/ImageValidator} calls them; the pixel mapping after that is the model's own {@code
 * InputNormalizer} (applied by {@code BatchFeeder}). The checks in between (key, dimensions, label,
 * pixel count) mirror that validator's, in its order and with its {@link DeadLetterReason}s: the
 * trainer may not depend on the stream app, so they are repeated here, and a change to one needs
 * the same change to the other. Thread-safe.
 */
public final class ServingPreprocessing {
  /** Stream app default of {@code image.max-side}. */
  public static final int DEFAULT_MAX_SIDE = 1024;

  private final int side;
  private final int maxSide;

  /**
   * @param side the model's input side (28)
   * @param maxSide images declaring a larger side are refused, as serving does
   */
  public ServingPreprocessing(int side, int maxSide) {
    if (side < 1 || maxSide < 1) {
      throw new IllegalArgumentException("sides must be >= 1, got " + side + ", " + maxSide);
    }
    this.side = side;
    this.maxSide = maxSide;
  }

  /** The side of the fitted images. */
  public int side() {
    return side;
  }

  /** The outcome for one record. */
  public sealed interface Result permits Fitted, Refused {}

  /** An event serving would classify, and its fitted {@code side x side} image. */
  public record Fitted(ImageEvent event, GrayImage image) implements Result {}

  /** An event serving would dead-letter. */
  public record Refused(DeadLetterReason reason, String message) implements Result {}

  public Result apply(byte[] key, byte[] value) {
    ImageEvent event;
    try {
      event = ContractSerdes.imageEvent().decode(value);
    } catch (AvroDecodingException e) {
      return new Refused(e.reason(), e.getMessage());
    }
    if (key == null || key.length == 0) {
      return new Refused(DeadLetterReason.MISSING_KEY, "record has no key");
    }
    int h = event.getHeight();
    int w = event.getWidth();
    if (h <= 0 || w <= 0) {
      return new Refused(DeadLetterReason.INVALID_DIMENSIONS, "dimensions " + w + "x" + h);
    }
    if (h > maxSide || w > maxSide) {
      return new Refused(DeadLetterReason.IMAGE_TOO_LARGE, w + "x" + h + " over " + maxSide);
    }
    Integer label = event.getLabel();
    if (label != null && (label < 0 || label > 9)) {
      return new Refused(DeadLetterReason.INVALID_LABEL, "label " + label);
    }
    byte[] pixels = AvroBytes.copyOf(event.getPixels());
    GrayImage image;
    switch (event.getEncoding()) {
      case RAW_GRAY8 -> {
        if (pixels.length != (long) h * w) {
          return new Refused(
              DeadLetterReason.PIXEL_COUNT_MISMATCH,
              w + "x" + h + " needs " + (long) h * w + " bytes, got " + pixels.length);
        }
        image = new GrayImage(w, h, pixels);
      }
      case PNG -> {
        try {
          image = PngImages.decode(pixels, w, h, maxSide);
        } catch (ImageDecodeException e) {
          return new Refused(reasonOf(e.kind()), e.getMessage());
        }
      }
      default -> {
        return new Refused(DeadLetterReason.UNKNOWN_ENCODING, "encoding " + event.getEncoding());
      }
    }
    return new Fitted(event, MnistFitter.fit(image, side, side));
  }

  private static DeadLetterReason reasonOf(ImageDecodeException.Kind kind) {
    return switch (kind) {
      case PNG_DECODE_FAILED -> DeadLetterReason.PNG_DECODE_FAILED;
      case INVALID_DIMENSIONS -> DeadLetterReason.INVALID_DIMENSIONS;
      case IMAGE_TOO_LARGE -> DeadLetterReason.IMAGE_TOO_LARGE;
    };
  }
}
