package org.mniststream.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The long fault run: streams events while the stream app is killed with kill -9 several times,
 * restarting it each time, and the embedded brokers fail too: a graceful restart, or, on a cluster,
 * a kill -9 of the node leading the image events (then of the active controller, alternately),
 * which stays dead while the next part of the stream goes through and is restarted before the next
 * fault. Then it checks the committed predictions: under exactly-once every event id exactly once;
 * under at-least-once none missing, duplicates counted. Prints the longest gap between two
 * predictions.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description =
        "Kill -9 the stream app (and restart or kill brokers) mid-stream; count losses and"
            + " duplicates.")
final class ChaosCommand implements Callable<Integer> {
  @Mixin RunOptions.Data data;

  @Option(names = "--events", description = "Events to stream (default: ${DEFAULT-VALUE}).")
  long events = 20_000;

  @Option(names = "--rate", description = "Events/s (default: ${DEFAULT-VALUE}).")
  double rate = 500;

  @Option(names = "--kills", description = "kill -9 of the app (default: ${DEFAULT-VALUE}).")
  int kills = 4;

  @Option(
      names = "--broker-restarts",
      description = "Graceful restarts of broker 0 (default: ${DEFAULT-VALUE}).")
  int brokerRestarts = 1;

  @Option(
      names = "--brokers",
      description = {
        "Embedded KRaft nodes (default: ${DEFAULT-VALUE}); with 3, every topic has 3 replicas",
        "and min.insync.replicas=2, so a node can die without stopping the stream."
      })
  int brokers = 1;

  @Option(
      names = "--broker-kills",
      description = {
        "kill -9 of a broker: the leader of image-events partition 0, then the active",
        "controller, alternately (default: ${DEFAULT-VALUE}). Needs --brokers 3 or more."
      })
  int brokerKills;

  @Option(names = "--guarantee", description = "processing.guarantee (default: ${DEFAULT-VALUE}).")
  String guarantee = "exactly_once_v2";

  @Option(names = "--http-port", description = "Stream app HTTP port (default: ${DEFAULT-VALUE}).")
  int httpPort = 18081;

  /**
   * Whether fault number {@code done} (0-based, of {@code faults}) is a broker fault: the {@code
   * brokerFaults} are spread evenly among the app kills (one among four kills comes third), so
   * kills also hit an app whose broker has failed.
   */
  static boolean brokerFaultDue(int done, int faults, int brokerFaults, int brokerFaultsDone) {
    if (brokerFaultsDone >= brokerFaults) {
      return false;
    }
    if (done - brokerFaultsDone >= faults - brokerFaults) {
      return true; // the kills are all done
    }
    return Math.round((done + 1.0) * brokerFaults / (faults + 1)) > brokerFaultsDone;
  }

  /** What broker fault number {@code i} (0-based) is: the kills come first, then the restarts. */
  enum BrokerFault {
    KILL_PARTITION_LEADER,
    KILL_ACTIVE_CONTROLLER,
    RESTART;

    static BrokerFault of(int i, int brokerKills) {
      if (i >= brokerKills) {
        return RESTART;
      }
      return i % 2 == 0 ? KILL_PARTITION_LEADER : KILL_ACTIVE_CONTROLLER;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (brokerKills > 0 && brokers < 3) {
      // With fewer than three nodes a dead node takes the quorum or the only replica with it.
      System.err.println("--broker-kills needs --brokers 3 or more");
      return 2;
    }
    Path work = LocalStack.scratchDirectory("mnist-chaos-");
    String run = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
    DatasetFiles mnist = data.files();
    IdxDataset test = mnist.loadTest();
    try (LocalStack stack = LocalStack.start(null, work, 2, brokers)) {
      Path model = work.resolve("model");
      StepFailure.requireSuccess(
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
      ChildJvm app = stack.startApp("app-0", httpPort, settings, LocalStack.APP_JVM_OPTIONS);
      LocalStack.awaitReady(app, httpPort, Duration.ofMinutes(2));
      int brokerFaults = brokerKills + brokerRestarts;
      int faults = kills + brokerFaults;
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
        int chunks = 0;
        int killed = 0;
        int brokerFaultsDone = 0;
        int deadBroker = -1;
        while (sent.get() < events) {
          long chunk = Math.min(every, events - sent.get());
          long base = sent.get();
          // one id prefix per chunk, each chunk numbering from 0: ids are unique across the run
          source.send(
              test, run + "-" + chunks++, chunk, rate, () -> false, n -> sent.set(base + n));
          if (deadBroker >= 0) {
            // one node down at a time: two would take the quorum and the in-sync replicas
            restartBroker(stack, deadBroker, sent.get());
            deadBroker = -1;
          }
          if (done < faults) {
            if (!brokerFaultDue(done, faults, brokerFaults, brokerFaultsDone)) {
              app.kill();
              killed++;
              System.out.printf(
                  "%d events sent: kill -9 of the stream app (#%d)%n", sent.get(), killed);
              app = stack.startApp("app-" + killed, httpPort, settings, LocalStack.APP_JVM_OPTIONS);
              LocalStack.awaitReady(app, httpPort, Duration.ofMinutes(2));
            } else {
              BrokerFault fault = BrokerFault.of(brokerFaultsDone++, brokerKills);
              deadBroker = brokerFault(stack, fault, sent.get());
            }
            done++;
          }
        }
        source.flush();
        if (deadBroker >= 0) {
          restartBroker(stack, deadBroker, sent.get());
        }
        // Count against what the broker holds, not against what was attempted: a send that
        // failed while the broker was down never became an event, and an input record the
        // broker holds twice (a producer retry across the restart) must be predicted twice.
        Map<String, Integer> input =
            TopicKeyCounts.read(
                stack.clientProps(), stack.topics().images(), run, Duration.ofMinutes(2));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        PredictionTracker.Accounting a = tracker.account(input);
        while (System.nanoTime() < deadline && a.missing() > 0) {
          Thread.sleep(500);
          a = tracker.account(input);
        }
        Thread.sleep(2_000); // anything late (a duplicate) still lands in the figures
        a = tracker.account(input);
        PredictionTracker.Snapshot s = tracker.snapshot();
        System.out.printf(
            "%nguarantee %s on %d broker(s): events sent %d (send failures %d), kills %d,"
                + " broker kills %d, broker restarts %d%n"
                + "input topic: %d records, %d distinct ids, %d duplicated by the producer%n"
                + "predictions: %d records (%d distinct ids); missing %d, beyond one per input"
                + " record %d, for ids not on the input %d%n",
            guarantee,
            brokers,
            sent.get(),
            source.failed(),
            killed,
            Math.min(brokerFaultsDone, brokerKills),
            Math.max(0, brokerFaultsDone - brokerKills),
            a.inputRecords(),
            a.inputIds(),
            a.inputDuplicates(),
            s.predictions() + s.duplicates(),
            s.predictions(),
            a.missing(),
            a.excess(),
            a.unknown());
        boolean exactly = guarantee.startsWith("exactly_once");
        boolean ok = a.missing() == 0 && a.unknown() == 0 && (a.excess() == 0 || !exactly);
        if (!exactly) {
          System.out.printf(
              "at-least-once: %d duplicate predictions (%.3f %% of input records)%n",
              a.excess(), 100.0 * a.excess() / Math.max(1, a.inputRecords()));
        }
        // The events are sent in chunks between the faults, so the stream also pauses while a
        // fault runs (an app or broker restart); the generator's own longest pause says how much
        // of the prediction gap is that.
        System.out.printf(
            "longest gap between two predictions (arrival): %d ms; longest pause between two"
                + " events sent: %d ms%n",
            s.maxGapMillis(), tracker.longestEventTimeGap());
        System.out.println(ok ? "PASS" : "FAIL");
        return ok ? 0 : 1;
      }
    }
  }

  /** Runs {@code fault}; the index of the node it left dead, or -1. */
  private static int brokerFault(LocalStack stack, BrokerFault fault, long sent) {
    if (fault == BrokerFault.RESTART) {
      System.out.printf("%d events sent: restart of broker node.id=1%n", sent);
      stack.restartBroker(0);
      return -1;
    }
    int node =
        fault == BrokerFault.KILL_PARTITION_LEADER
            ? stack.cluster().partitionLeader(stack.topics().images(), 0)
            : stack.cluster().activeController();
    System.out.printf(
        "%d events sent: kill -9 of broker node.id=%d (%s)%n",
        sent,
        node + 1,
        fault == BrokerFault.KILL_PARTITION_LEADER
            ? "leader of " + stack.topics().images() + "-0"
            : "active controller");
    stack.cluster().kill(node);
    return node;
  }

  private static void restartBroker(LocalStack stack, int node, long sent) {
    System.out.printf("%d events sent: broker node.id=%d back%n", sent, node + 1);
    stack.restartBroker(node);
  }
}
