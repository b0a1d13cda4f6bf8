package org.mniststream.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.commons.io.input.ReversedLinesFileReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one launcher of the product's child JVMs: the embedded broker, and the stream app in the
 * demo, the benchmarks, the chaos runs and the end-to-end tests. A child runs a main class on this
 * JVM's classpath, so it can be measured (CPU, RSS), stopped and killed like a real deployment
 * while its threads, heap and logging stay out of this JVM.
 *
 * <p>No child outlives its owner: a shutdown hook stops it when this JVM exits, and, because a kill
 * -9 of the owner runs no hook, the child itself halts when its owner dies ({@link ChildJvmMain}).
 *
 * <pre>{@code
 * try (ChildJvm app = ChildJvm.builder("stream-app", "org.mniststream.app.StreamAppCli")
 *     .args(List.of("run"))
 *     .logFile(work.resolve("stream-app.log"))
 *     .start()) {
 *   ...
 * }
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {

  /** How long {@link #close()} waits after SIGTERM before it kills. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Thread reaper;

  private ChildJvm(String name, Process process, Path logFile, Duration graceOnJvmExit) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.reaper =
        new Thread(() -> terminate(graceOnJvmExit), "child-jvm-reaper-" + name + "-" + pid());
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /** A child named {@code name} (for logs and thread names) that runs {@code mainClass}. */
  public static Builder builder(String name, String mainClass) {
    return new Builder(name, mainClass);
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The child's exit code; only once it is no longer {@link #isAlive()}. */
  public int exitValue() {
    return process.exitValue();
  }

  /** Blocks until the child exits; its exit code. */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** The child's stdout and stderr, appended to across the children that share it. */
  public Path logFile() {
    return logFile;
  }

  /** The last {@code maxLines} lines of the log, to put into an error message. */
  public String logTail(int maxLines) {
    return tail(logFile, maxLines);
  }

  /**
   * SIGTERM, so the child's own shutdown hook flushes and commits, and up to {@code grace} to exit,
   * then SIGKILL; {@link Duration#ZERO} means SIGKILL at once. Returns once the process is gone, so
   * its ports are free.
   */
  public void stop(Duration grace) {
    terminate(grace);
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException jvmShuttingDown) {
      // The hook is running or about to; it finds the process gone and does nothing.
    }
  }

  /** Kill -9: nothing of the child gets to run, like a crashed machine. */
  public void kill() {
    if (process.isAlive()) {
      LOG.info("Killing {} (pid {}) with SIGKILL", name, pid());
    }
    stop(Duration.ZERO);
  }

  /** Stops the child gracefully within {@link #DEFAULT_STOP_TIMEOUT}. Idempotent. */
  @Override
  public void close() {
    stop(DEFAULT_STOP_TIMEOUT);
  }

  @Override
  public String toString() {
    return "ChildJvm[" + name + ", pid " + pid() + ", log " + logFile + "]";
  }

  private void terminate(Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    try {
      if (!grace.isZero()) {
        process.destroy();
        if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
        LOG.warn("{} (pid {}) still alive after {}, killing it", name, pid(), grace);
      }
      process.destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        LOG.warn("{} (pid {}) did not die within 30 s of SIGKILL", name, pid());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The last {@code maxLines} lines of {@code file}, read from its end so a long-running child's
   * big log costs nothing; empty text when the file does not exist.
   */
  static String tail(Path file, int maxLines) {
    if (!Files.isRegularFile(file)) {
      return "";
    }
    try (ReversedLinesFileReader reader =
        ReversedLinesFileReader.builder().setPath(file).setCharset(StandardCharsets.UTF_8).get()) {
      List<String> lines = new ArrayList<>(reader.readLines(maxLines));
      Collections.reverse(lines);
      return String.join("\n", lines);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  /**
   * This JVM's classpath, every entry made absolute because a child may run in another directory
   * ({@code java -jar target/cli.jar} gives a relative one). Under surefire/failsafe it may be a
   * single manifest-only jar whose {@code Class-Path} lists the real entries; the child JVM follows
   * that manifest the same way.
   */
  static String childClasspath(String classpath) {
    if (classpath == null || classpath.isBlank()) {
      throw new IllegalStateException(
          "java.class.path is empty; a child JVM needs the classes of this JVM");
    }
    return Arrays.stream(classpath.split(File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .map(ChildJvm::absoluteClasspathEntry)
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static String absoluteClasspathEntry(String entry) {
    if (entry.equals("*") || entry.endsWith(File.separator + "*")) {
      String dir = entry.substring(0, entry.length() - 1);
      return Path.of(dir.isEmpty() ? "." : dir).toAbsolutePath().normalize() + File.separator + "*";
    }
    return Path.of(entry).toAbsolutePath().normalize().toString();
  }

  private static String quoteArgFile(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Options of a {@link ChildJvm}; only the log file has no default. */
  public static final class Builder {
    private final String name;
    private final String mainClass;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private Path logFile;
    private Path workingDirectory;
    private Duration graceOnJvmExit = Duration.ZERO;

    private Builder(String name, String mainClass) {
      this.name = Objects.requireNonNull(name, "name");
      this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
    }

    /** JVM options, in order (HotSpot takes the last occurrence of a flag). */
    public Builder jvmOptions(List<String> options) {
      jvmOptions.addAll(options);
      return this;
    }

    /** Arguments of the main class. */
    public Builder args(List<String> arguments) {
      args.addAll(arguments);
      return this;
    }

    /** Where stdout and stderr go, appended, after a header line naming the command. Required. */
    public Builder logFile(Path file) {
      this.logFile = file.toAbsolutePath();
      return this;
    }

    /** The child's working directory; default: this JVM's. */
    public Builder workingDirectory(Path dir) {
      this.workingDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * When this JVM exits with the child still running: SIGTERM and up to {@code grace} (an
     * operator's Ctrl-C); {@link Duration#ZERO}, the default, kills it at once (a test run ending
     * should not wait).
     */
    public Builder graceOnJvmExit(Duration grace) {
      this.graceOnJvmExit = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /**
     * Starts the child and returns at once; readiness is the caller's business.
     *
     * @throws UncheckedIOException when the log or the class-path file cannot be written or the JVM
     *     cannot be launched
     */
    public ChildJvm start() {
      Objects.requireNonNull(logFile, "logFile");
      // An @argfile: a full test classpath can outgrow the 128 KiB limit of one argv string.
      String logName = logFile.getFileName().toString().replaceFirst("\\.log$", "");
      Path classpathArgs = logFile.resolveSibling(logName + "-classpath.args");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-D" + ChildJvmMain.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid());
      command.add("@" + classpathArgs);
      command.add(ChildJvmMain.class.getName());
      command.add(mainClass);
      command.addAll(args);
      try {
        Files.createDirectories(logFile.getParent());
        Files.writeString(
            classpathArgs,
            "-cp\n" + quoteArgFile(childClasspath(System.getProperty("java.class.path"))) + "\n",
            StandardCharsets.UTF_8);
        Files.writeString(
            logFile,
            String.format(
                "%n===== %s %s starting: %s%n", Instant.now(), name, String.join(" ", command)),
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (workingDirectory != null) {
          builder.directory(workingDirectory.toFile());
        }
        Process process = builder.start();
        LOG.info("Started {} (pid {}), log {}", name, process.pid(), logFile);
        return new ChildJvm(name, process, logFile, graceOnJvmExit);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot launch " + name + ": " + command, e);
      }
    }
  }
}
