package org.mniststream.trainer.data;

import java.io.IOException;

/**
 * A file is not a well-formed IDX file of the kind the trainer accepts: bad magic, wrong dimension
 * count, truncated or trailing data, mismatched image and label counts, labels outside 0..9, or
 * images that are not 28x28. The message names the file and what is wrong with it.
 */
public final class IdxFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public IdxFormatException(String message) {
    super(message);
  }

  public IdxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
