package org.mniststream.trainer.data;

import java.io.IOException;
import java.util.List;

/**
 * No source could supply verified MNIST files. The message lists every source, why each failed, and
 * how to place the files by hand.
 */
public final class MnistUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  private final List<String> failures;

  MnistUnavailableException(List<String> failures, String handPlacement) {
    super(message(failures, handPlacement));
    this.failures = List.copyOf(failures);
  }

  /** One line per source: its name and why it failed or was skipped. */
  public List<String> failures() {
    return failures;
  }

  private static String message(List<String> failures, String handPlacement) {
    StringBuilder text = new StringBuilder("MNIST is not available; every source failed:");
    for (int i = 0; i < failures.size(); i++) {
      text.append(System.lineSeparator()).append("  ").append(i + 1).append(". ");
      text.append(failures.get(i));
    }
    return text.append(System.lineSeparator()).append(handPlacement).toString();
  }
}
