package org.mniststream.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.mniststream.trainer.data.DatasetFiles;
import picocli.CommandLine.Option;

/** The options the local runs share (picocli mixins), each with the one place that reads it. */
final class RunOptions {
  private RunOptions() {}

  /** Which MNIST files a run streams and trains on: demo, bench, chaos, sample-events. */
  static final class Data {
    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description =
            "Directory holding the four IDX files under MNIST's names (default: genuine MNIST,"
                + " acquired and verified by SHA-256).")
    Path dataDir;

    /** The IDX files in {@code --data-dir}, or genuine MNIST acquired and verified. */
    DatasetFiles files() throws IOException {
      return dataDir != null ? DatasetFiles.inDirectory(dataDir) : DatasetFiles.acquireMnist();
    }

    boolean given() {
      return dataDir != null;
    }
  }

  /** Where a run's Kafka is: an existing cluster, or an embedded broker: demo, bench. */
  static final class Kafka {
    @Option(
        names = "--bootstrap-servers",
        paramLabel = "HOST:PORT",
        description = "Use this Kafka cluster instead of starting an embedded broker.")
    String bootstrapServers;

    @Option(
        names = "--partitions",
        description = "Image-event partitions (default: ${DEFAULT-VALUE}).")
    int partitions = 2;

    @Option(
        names = "--brokers",
        description =
            "Embedded KRaft nodes when no --bootstrap-servers is given (default: ${DEFAULT-VALUE});"
                + " with 3, every topic has 3 replicas and min.insync.replicas=2.")
    int brokers = 1;

    /** The stack of a run: the cluster, or an embedded broker, with every topic created. */
    LocalStack start(Path work) throws InterruptedException {
      return LocalStack.start(bootstrapServers, work, partitions, brokers);
    }
  }
}
