package org.mniststream.cli.naive;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mniststream.kafka.ChildJvm;

/** Starts the naive peer as a child JVM, the way {@code StreamAppLauncher} starts the product. */
public final class NaivePeerLauncher {
  private NaivePeerLauncher() {}

  /**
   * {@code settings} are the peer's {@code key=value} arguments; {@code jvmOptions} come after
   * {@code -Dai.djl.offline=true}. The caller owns the child.
   */
  public static ChildJvm launch(
      String name, List<String> settings, List<String> jvmOptions, Path logFile) {
    List<String> options = new ArrayList<>(List.of("-Dai.djl.offline=true"));
    options.addAll(jvmOptions);
    return ChildJvm.builder(name, NaivePeerMain.class.getName())
        .jvmOptions(options)
        .args(settings)
        .logFile(logFile)
        .start();
  }
}
