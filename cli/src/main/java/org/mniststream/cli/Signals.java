package org.mniststream.cli;

import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT as a request to stop, not as the JVM's shutdown: a shutdown hook cannot choose
 * the exit code (the JVM exits 143 after it), and a long-running command that finishes its current
 * step on SIGTERM should exit 0. {@code sun.misc.Signal} is the JDK's supported way (module {@code
 * jdk.unsupported}) to handle a signal without shutting down.
 */
final class Signals {
  private Signals() {}

  /**
   * Runs {@code onStop} (on the JDK's signal thread) at SIGTERM or SIGINT instead of shutting down;
   * returns what puts the previous handlers back.
   */
  static Runnable onTerminate(Runnable onStop) {
    List<Runnable> restore = new ArrayList<>();
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal signal = new Signal(name);
        SignalHandler previous = Signal.handle(signal, s -> onStop.run());
        restore.add(() -> Signal.handle(signal, previous));
      } catch (IllegalArgumentException e) {
        // the signal is not available here (or the JVM uses it): the default behaviour stays
      }
    }
    return () -> restore.forEach(Runnable::run);
  }
}
