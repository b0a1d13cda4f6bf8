package org.mniststream.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mniststream.trainer.DatasetFiles;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.IdxDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The long fault run: streams events while the stream app is killed with kill -9 (and optionally
 * the embedded broker restarted) several times, restarting it each time, then checks the committed
 * predictions: under exactly-once every event id exactly once; under at-least-once none missing,
 * duplicates counted.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description =
        "Kill -9 the stream app (and restart the broker) mid-stream; count losses and duplicates.")
final class ChaosCommand implements Callable<Integer> {
  @Option(names = "--events", description = "Events to stream (default: ${DEFAULT-VALUE}).")
  long events = 20_000;

  @Option(names = "--rate", description = "Events/s (default: ${DEFAULT-VALUE}).")
  double rate = 500;

  @Option(names = "--kills", description = "kill -9 of the app (default: ${DEFAULT-VALUE}).")
  int kills = 4;

  @Option(
      names = "--broker-restarts",
      description = "Embedded broker restarts (default: ${DEFAULT-VALUE}).")
  int brokerRestarts = 1;

  @Option(names = "--guarantee", description = "processing.guarantee (default: ${DEFAULT-VALUE}).")
  String guarantee = "exactly_once_v2";

  @Option(names = "--data-dir", description = "MNIST IDX directory (default: acquire and verify).")
  Path dataDir;

  @Option(names = "--http-port", description = "Stream app HTTP port (default: ${DEFAULT-VALUE}).")
  int httpPort = 18081;

  @Override
  public Integer call() throws Exception {
    Path work = LocalStack.scratchDirectory("mnist-chaos-");
    String run = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
    DatasetFiles mnist = Runs.dataset(dataDir);
    IdxDataset test = mnist.loadTest();
    try (LocalStack stack = LocalStack.start(null, work, 2)) {
      Path model = work.resolve("model");
      Runs.requireSuccess(
          TrainerCli.execute(
              "train",
              "--data-dir",
              mnist.trainImages().getParent().toString(),
              "--epochs",
              "1",
              "--max-batches",
              "60",
              "--output",
              model.toString(),
              "--publish",
              "--bootstrap-servers",
              stack.bootstrapServers()),
          "training");
      List<String> settings =
          List.of("application.id=mnist-" + run, "processing.guarantee=" + guarantee);
      ChildJvm app = stack.startApp("app-0", httpPort, settings, List.of("-Xmx768m"));
      LocalStack.awaitReady(app, httpPort, Duration.ofMinutes(2));
      int faults = kills + brokerRestarts;
      long every = events / (faults + 1);
      AtomicLong sent = new AtomicLong();
      try (PredictionTracker tracker =
              new PredictionTracker(
                      stack.clientProps(),
                      stack.topics().predictions(),
                      stack.topics().deadLetters(),
                      run)
                  .start();
          ImageEventSource source =
              new ImageEventSource(stack.clientProps(), stack.topics().images(), "chaos")) {
        int done = 0;
        int killed = 0;
        int restarted = 0;
        while (sent.get() < events) {
          long chunk = Math.min(every, events - sent.get());
          long base = sent.get();
          source.send(test, run + "-" + done, chunk, rate, () -> false, n -> sent.set(base + n));
          if (done < faults) {
            if (killed < kills) {
              app.kill();
              killed++;
              System.out.printf(
                  "%d events sent: kill -9 of the stream app (#%d)%n", sent.get(), killed);
              app = stack.startApp("app-" + killed, httpPort, settings, List.of("-Xmx768m"));
              LocalStack.awaitReady(app, httpPort, Duration.ofMinutes(2));
            } else {
              restarted++;
              System.out.printf("%d events sent: broker restart (#%d)%n", sent.get(), restarted);
              stack.restartBroker();
            }
            done++;
          }
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        PredictionTracker.Snapshot s = tracker.snapshot();
        while (System.nanoTime() < deadline && s.predictions() < events) {
          Thread.sleep(500);
          s = tracker.snapshot();
        }
        long missing = events - s.predictions();
        System.out.printf(
            "%nguarantee %s: events %d, kills %d, broker restarts %d, predictions %d, duplicates %d,"
                + " missing %d%n",
            guarantee, events, killed, restarted, s.predictions(), s.duplicates(), missing);
        boolean ok = missing == 0 && (s.duplicates() == 0 || !guarantee.startsWith("exactly_once"));
        System.out.println(ok ? "PASS" : "FAIL");
        return ok ? 0 : 1;
      }
    }
  }
}
