package org.mniststream.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.mniststream.trainer.data.DatasetFiles;

/** Which MNIST files the demo, bench, chaos and sample-events commands run on. */
final class RunData {
  private RunData() {}

  /** The IDX files in {@code dataDir}, or genuine MNIST acquired and verified when it is null. */
  static DatasetFiles mnist(Path dataDir) throws IOException {
    return dataDir != null ? DatasetFiles.inDirectory(dataDir) : DatasetFiles.acquireMnist();
  }
}
