package org.mniststream.cli;

/** How a run treats a step it delegates to another CLI. */
final class StepFailure {
  private StepFailure() {}

  /** A step run through another CLI must succeed, or the whole run stops with its exit code. */
  static void requireSuccess(int exitCode, String what) {
    if (exitCode != 0) {
      throw new IllegalStateException(what + " failed with exit code " + exitCode);
    }
  }
}
