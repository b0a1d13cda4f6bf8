package org.mniststream.kafka;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of every {@link ChildJvm}: halts the child when the JVM that owns it dies, then runs
 * the real main class. Not meant to be run by hand.
 *
 * <p>Arguments: {@code <mainClass> <its arguments>...}.
 */
public final class ChildJvmMain {

  /** System property carrying the pid of the JVM that owns this child. */
  static final String PARENT_PID_PROPERTY = "mnist.childjvm.parentPid";

  private static final Logger LOG = LoggerFactory.getLogger(ChildJvmMain.class);

  private ChildJvmMain() {}

  public static void main(String[] args) throws Throwable {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ChildJvmMain <mainClass> [args...]");
    }
    exitWhenParentDies();
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      // As if the real main had thrown: the same stack trace and exit code.
      throw e.getCause();
    }
  }

  /**
   * A kill -9 of the owner runs none of its shutdown hooks, so the child watches the owner itself;
   * otherwise an orphan broker or app would keep its ports and data after a crashed test run.
   */
  private static void exitWhenParentDies() {
    String value = System.getProperty(PARENT_PID_PROPERTY);
    if (value == null || value.isBlank()) {
      return;
    }
    long parentPid = Long.parseLong(value.trim());
    Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
    if (parent.isEmpty()) {
      LOG.error("owner process {} is already gone, not starting", parentPid);
      Runtime.getRuntime().halt(3);
    }
    parent
        .get()
        .onExit()
        .thenRun(
            () -> {
              LOG.error("owner process {} died, halting", parentPid);
              // halt, not exit: the owner is gone, nobody waits for a clean shutdown, and the
              // next owner must be able to take the ports at once.
              Runtime.getRuntime().halt(3);
            });
  }
}
