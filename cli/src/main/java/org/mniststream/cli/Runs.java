package org.mniststream.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.mniststream.trainer.data.DatasetFiles;

/** What the demo, bench and chaos commands share: their data and how they treat a failed step. */
final class Runs {
  private Runs() {}

  /** The IDX files in {@code dataDir}, or genuine MNIST acquired and verified when it is null. */
  static DatasetFiles dataset(Path dataDir) throws IOException {
    return dataDir != null ? DatasetFiles.inDirectory(dataDir) : DatasetFiles.acquireMnist();
  }

  /** A step run through another CLI must succeed, or the whole run stops with its exit code. */
  static void requireSuccess(int exitCode, String what) {
    if (exitCode != 0) {
      throw new IllegalStateException(what + " failed with exit code " + exitCode);
    }
  }
}
