package org.mniststream.model.image;

/** An image that cannot be decoded, or whose decoded form contradicts what its event declared. */
public final class ImageDecodeException extends Exception {
  /** What was wrong, in the terms a dead letter needs. */
  public enum Kind {
    PNG_DECODE_FAILED,
    INVALID_DIMENSIONS,
    IMAGE_TOO_LARGE
  }

  private final Kind kind;

  public ImageDecodeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
