package org.mniststream.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code stream-app run} in a child JVM on this JVM's class path: how the demo, the benchmarks, the
 * chaos runs and the tests start stream-app instances, the way an operator runs them. The app is
 * named by its main class, so this module needs none of its code.
 */
public final class StreamAppLauncher {
  /** The stream app's command line. */
  public static final String MAIN_CLASS = "org.mniststream.app.StreamAppCli";

  private StreamAppLauncher() {}

  /**
   * Starts an instance; {@code settings} are {@code key=value} pairs (the app's keys and any Kafka
   * key), {@code jvmOptions} come after {@code -Dai.djl.offline=true}. The caller owns the child.
   */
  public static ChildJvm launch(
      String name, List<String> settings, List<String> jvmOptions, Path logFile) {
    return launch(name, null, settings, jvmOptions, logFile);
  }

  /**
   * Like {@link #launch(String, List, List, Path)}, reading {@code configFile} ({@code run
   * --config}) first when not null: the place for secrets such as a JAAS line, which a {@code
   * --set} would show in the process list and in the log's command line.
   */
  public static ChildJvm launch(
      String name, Path configFile, List<String> settings, List<String> jvmOptions, Path logFile) {
    List<String> args = new ArrayList<>(List.of("run"));
    if (configFile != null) {
      args.add("--config");
      args.add(configFile.toString());
    }
    for (String s : settings) {
      args.add("--set");
      args.add(s);
    }
    List<String> options = new ArrayList<>(List.of("-Dai.djl.offline=true"));
    options.addAll(jvmOptions);
    return ChildJvm.builder(name, MAIN_CLASS)
        .jvmOptions(options)
        .args(args)
        .logFile(logFile)
        .start();
  }
}
