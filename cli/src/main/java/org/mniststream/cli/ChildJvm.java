package org.mniststream.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component of the product run as a child JVM on this JVM's classpath: the stream app in the demo
 * and the load generator, so it can be measured (CPU, RSS) and killed like a real deployment. A
 * named shutdown hook kills the child if this JVM goes, so no orphan outlives a run.
 */
final class ChildJvm implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChildJvm.class);

  private final String name;
  private final Process process;
  private final Thread reaper;

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.reaper = new Thread(process::destroyForcibly, "child-jvm-reaper-" + name);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** Starts {@code mainClass args} with the given JVM options; output goes to {@code logFile}. */
  static ChildJvm start(
      String name, List<String> jvmOptions, String mainClass, List<String> args, Path logFile)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    log.info("starting {} (log: {})", name, logFile);
    return new ChildJvm(name, builder.start());
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, then wait: the app's own shutdown hook flushes and commits. */
  void stop(long timeoutSeconds) throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        log.warn("{} did not stop within {} s, killing it", name, timeoutSeconds);
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** kill -9: nothing of the child gets to run. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    stop(30);
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: nothing to remove
    }
  }
}
