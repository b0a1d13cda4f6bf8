package org.mniststream.trainer.publishing;

/**
 * The encoded model version is larger than the models topic (or the producer) accepts. Models are
 * never chunked: raise the topic's {@code max.message.bytes} instead.
 */
public final class ModelTooLargeException extends ModelPublishException {
  private static final long serialVersionUID = 1L;

  private final long recordBytes;
  private final long limitBytes;

  public ModelTooLargeException(String message, long recordBytes, long limitBytes) {
    super(message);
    this.recordBytes = recordBytes;
    this.limitBytes = limitBytes;
  }

  public long recordBytes() {
    return recordBytes;
  }

  public long limitBytes() {
    return limitBytes;
  }
}
