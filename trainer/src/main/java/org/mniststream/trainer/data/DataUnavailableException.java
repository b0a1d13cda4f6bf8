package org.mniststream.trainer.data;

import java.io.IOException;

/** The data to train or evaluate on cannot be found or read (exit code 4 on the command line). */
public final class DataUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public DataUnavailableException(String message) {
    super(message);
  }

  public DataUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
