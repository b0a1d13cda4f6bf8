package org.mniststream.trainer.stream;

import org.mniststream.model.image.GrayImage;
import org.mniststream.model.image.ImageValidator;
import org.mniststream.schemas.ContractDecoder;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;

/**
 * Turns an image-event record into the image serving would classify, or the reason serving would
 * dead-letter it: the serving gate itself ({@link ImageValidator}, in the {@code model} module, the
 * one the stream app calls on every event); the pixel mapping after that is the model's own {@code
 * InputNormalizer} (applied by {@code BatchFeeder}). Thread-safe.
 */
public final class ServingPreprocessing {
  /** Stream app default of {@code image.max-side}. */
  public static final int DEFAULT_MAX_SIDE = 1024;

  private final int side;
  private final ImageValidator validator;

  /**
   * @param side the model's input side (28)
   * @param maxSide images declaring a larger side are refused, as serving does
   */
  public ServingPreprocessing(int side, int maxSide) {
    this.validator = new ImageValidator(side, maxSide);
    this.side = side;
  }

  /**
   * As {@link #ServingPreprocessing(int, int)}, with values decoded by {@code decoder}: one that
   * also reads Confluent framing (a {@code FramedSerde} with a registry), as the stream app does.
   */
  public ServingPreprocessing(int side, int maxSide, ContractDecoder<ImageEvent> decoder) {
    this.validator = new ImageValidator(side, maxSide, decoder);
    this.side = side;
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
    ImageValidator.Result result = validator.validate(key, value);
    if (result instanceof ImageValidator.Valid v) {
      return new Fitted(v.event(), v.image());
    }
    ImageValidator.Invalid bad = (ImageValidator.Invalid) result;
    return new Refused(bad.reason(), bad.message());
  }
}
