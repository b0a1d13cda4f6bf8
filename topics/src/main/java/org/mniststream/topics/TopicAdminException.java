package org.mniststream.topics;

/**
 * A topic operation that could not be done (Kafka unreachable, not authorized, a topic missing).
 * The message is one line meant for an operator, naming what failed and what to do; the cause keeps
 * the client's exception for the debug log.
 */
public final class TopicAdminException extends Exception {
  public TopicAdminException(String message, Throwable cause) {
    super(message, cause);
  }

  public TopicAdminException(String message) {
    super(message);
  }
}
