package org.mniststream.trainer.commands;

/** Exit codes of {@link org.mniststream.trainer.TrainerCli}, stable so scripts can rely on them. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** Any failure not listed below (Kafka unreachable, corrupt model, record too large, ...). */
  public static final int FAILURE = 1;

  /** Bad command line: unknown option, missing or invalid value. */
  public static final int USAGE = 2;

  /** The model's test accuracy is below {@code --min-accuracy}: nothing was published. */
  public static final int QUALITY_GATE_REFUSED = 3;

  /** The training or test data cannot be found, downloaded or read. */
  public static final int DATA_UNAVAILABLE = 4;

  private ExitCodes() {}
}
