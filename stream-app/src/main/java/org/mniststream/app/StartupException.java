package org.mniststream.app;

/**
 * The app cannot start for a reason an operator can fix (Kafka unreachable, a topic missing, no
 * servable model in time). Its message is one line that says what is wrong and what to do; it is
 * logged without a stack trace.
 */
public final class StartupException extends Exception {
  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }

  public StartupException(String message) {
    super(message);
  }
}
