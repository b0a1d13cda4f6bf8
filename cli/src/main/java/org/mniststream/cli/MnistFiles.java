package org.mniststream.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.mniststream.trainer.DatasetFiles;

/** The MNIST data of the demo, bench, chaos and sample-events commands. */
final class MnistFiles {
  private MnistFiles() {}

  /** The IDX files in {@code dataDir}, or genuine MNIST acquired and verified when it is null. */
  static DatasetFiles inDirectoryOrAcquired(Path dataDir) throws IOException {
    return dataDir != null ? DatasetFiles.inDirectory(dataDir) : DatasetFiles.acquireMnist();
  }
}
