package org.mniststream.model;

/** A model version that must not serve, with the machine-readable reason and the details. */
public final class ModelRejectedException extends Exception {
  /** Why a version was refused; also the tag of the refusal metric. */
  public enum Reason {
    SHA256_MISMATCH,
    UNKNOWN_ARCHITECTURE,
    BAD_INPUT_CONTRACT,
    UNSIGNED,
    BAD_SIGNATURE,
    CORRUPT_PARAMETERS,
    SMOKE_TEST_FAILED
  }

  private final Reason reason;

  public ModelRejectedException(Reason reason, String message) {
    this(reason, message, null);
  }

  public ModelRejectedException(Reason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
