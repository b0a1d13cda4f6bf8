package org.mniststream.model.image;

import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractDecoder;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;

/**
 * Decides whether a raw image-event record can be classified, and if so brings its image to the
 * model input size. Every way a record can be unusable maps to exactly one {@link
 * DeadLetterReason}; nothing here throws for bad input. Thread-safe.
 *
 * <p>The one gate of serving and of training from the stream: the classifier calls it on every
 * image event, and the trainer's {@code fine-tune --from-topic} on every example, so an image
 * trains exactly as it will be served.
 */
public final class ImageValidator {
  /** Side of every servable input contract (see {@code InputContracts.problems}). */
  public static final int INPUT_SIDE = 28;

  private final ContractDecoder<ImageEvent> serde;
  private final int side;
  private final int maxSide;

  /**
   * Fits images to {@value #INPUT_SIDE}x{@value #INPUT_SIDE}; larger declared sides are refused.
   */
  public ImageValidator(int maxSide) {
    this(INPUT_SIDE, maxSide);
  }

  /** Fits images to {@code side x side}; values in Avro single-object encoding. */
  public ImageValidator(int side, int maxSide) {
    this(side, maxSide, ContractSerdes.imageEvent());
  }

  /**
   * Fits images to {@code side x side}; values decoded by {@code decoder} (e.g. one that also reads
   * Confluent framing), whose {@code AvroDecodingException}s become {@link Invalid} results. Other
   * exceptions of the decoder (a schema registry that does not answer) pass through: they are not
   * the record's fault.
   */
  public ImageValidator(int side, int maxSide, ContractDecoder<ImageEvent> decoder) {
    this.serde = decoder;
    if (side < 1 || maxSide < 1) {
      throw new IllegalArgumentException("sides must be >= 1, got " + side + ", " + maxSide);
    }
    this.side = side;
    this.maxSide = maxSide;
  }

  /** The outcome for one record. */
  public sealed interface Result permits Valid, Invalid {}

  /**
   * A classifiable event and its image fitted to the validator's side; the image may share its
   * pixel bytes with {@code event.getPixels()}, so modify neither.
   */
  public record Valid(ImageEvent event, GrayImage image) implements Result {}

  /** An unusable record; {@code eventId} is null when the value could not be decoded. */
  public record Invalid(DeadLetterReason reason, String message, String eventId)
      implements Result {}

  public Result validate(byte[] key, byte[] value) {
    ImageEvent event;
    try {
      event = serde.decode(value);
    } catch (AvroDecodingException e) {
      return new Invalid(e.reason(), e.getMessage(), null);
    }
    String id = event.getEventId();
    if (key == null || key.length == 0) {
      return new Invalid(
          DeadLetterReason.MISSING_KEY,
          "record has no key: per-key order and canary routing need one",
          id);
    }
    int h = event.getHeight();
    int w = event.getWidth();
    if (h <= 0 || w <= 0) {
      return new Invalid(
          DeadLetterReason.INVALID_DIMENSIONS,
          "declared dimensions must be positive, got " + w + "x" + h + " (width x height)",
          id);
    }
    if (h > maxSide || w > maxSide) {
      return new Invalid(
          DeadLetterReason.IMAGE_TOO_LARGE,
          "declared " + w + "x" + h + " is over the limit of " + maxSide + " pixels per side",
          id);
    }
    Integer label = event.getLabel();
    if (label != null && (label < 0 || label > 9)) {
      return new Invalid(
          DeadLetterReason.INVALID_LABEL, "label must be a digit 0-9, got " + label, id);
    }
    // no copy (this runs for every event): the image shares the decoded event's bytes, and neither
    // this class, the fitter nor the classifier modifies them
    byte[] pixels = AvroBytes.arrayOf(event.getPixels());
    GrayImage image;
    switch (event.getEncoding()) {
      case RAW_GRAY8 -> {
        long expected = (long) h * w;
        if (pixels.length != expected) {
          return new Invalid(
              DeadLetterReason.PIXEL_COUNT_MISMATCH,
              "RAW_GRAY8 "
                  + w
                  + "x"
                  + h
                  + " needs "
                  + expected
                  + " pixel bytes, got "
                  + pixels.length,
              id);
        }
        image = new GrayImage(w, h, pixels);
      }
      case PNG -> {
        try {
          image = PngImages.decode(pixels, w, h, maxSide);
        } catch (ImageDecodeException e) {
          return new Invalid(reasonOf(e.kind()), e.getMessage(), id);
        }
      }
      default -> {
        return new Invalid(
            DeadLetterReason.UNKNOWN_ENCODING,
            "encoding " + event.getEncoding() + " is not one this app decodes (RAW_GRAY8, PNG)",
            id);
      }
    }
    return new Valid(event, MnistFitter.fit(image, side, side));
  }

  private static DeadLetterReason reasonOf(ImageDecodeException.Kind kind) {
    return switch (kind) {
      case PNG_DECODE_FAILED -> DeadLetterReason.PNG_DECODE_FAILED;
      case INVALID_DIMENSIONS -> DeadLetterReason.INVALID_DIMENSIONS;
      case IMAGE_TOO_LARGE -> DeadLetterReason.IMAGE_TOO_LARGE;
    };
  }
}
