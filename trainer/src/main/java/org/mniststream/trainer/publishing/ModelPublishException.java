package org.mniststream.trainer.publishing;

/** A model version could not be published (exit code 1 on the command line). */
public class ModelPublishException extends Exception {
  private static final long serialVersionUID = 1L;

  public ModelPublishException(String message) {
    super(message);
  }

  public ModelPublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
