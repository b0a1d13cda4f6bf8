package org.mniststream.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.dashboard.DashboardClients;
import org.mniststream.dashboard.DashboardOptions;
import org.mniststream.dashboard.DashboardServer;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormat;
import org.mniststream.schemas.framing.ValueFormats;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.publishing.ModelPublishException;
import org.mniststream.trainer.publishing.ModelsTopic;
import org.mniststream.trainer.training.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job in one command: a real Kafka broker (embedded unless --bootstrap-servers), MNIST
 * fetched and verified, the CNN trained and published as version 1, the stream app started (with
 * its quality app and judge), the 10,000 labelled test images streamed at a steady rate, and a
 * fine-tuned version 2 rolled out mid-stream as a judged rollout: it enters as a shadow, is judged
 * on the same events as version 1, and the judge promotes it (canary, then active: hot swaps under
 * load) or rolls it back. With {@code --weak-candidate}, a version 3 trained for a few dozen
 * batches then enters as a judged canary, and the judge rolls it back by itself. Live figures, and
 * a summary with both versions on the same labelled events and every decision. Exits 1 unless the
 * summary shows every event accounted for (in = out + dead letters, no duplicates), which is what
 * CI checks too.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Train, publish, stream the MNIST test set through Kafka, hot-swap mid-stream.")
final class DemoCommand implements Callable<Integer> {
  @Mixin RunOptions.Data data;
  @Mixin RunOptions.Kafka kafka;

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

  @Option(
      names = "--quick",
      description = "A one-minute run: 1 short epoch for v1 and a short fine-tune for v2.")
  boolean quick;

  @Option(names = "--epochs", description = "Epochs for version 1 (default: ${DEFAULT-VALUE}).")
  int epochs = 10;

  @Option(names = "--rate", description = "Image events per second (default: ${DEFAULT-VALUE}).")
  double rate = 500;

  @Option(names = "--events", description = "Events to stream (default: the 10,000 test images).")
  int events = 10_000;

  @Option(names = "--http-port", description = "Stream app HTTP port (default: ${DEFAULT-VALUE}).")
  int httpPort = 8080;

  @Option(
      names = "--dashboard-port",
      description = "Live dashboard HTTP port (default: ${DEFAULT-VALUE}).")
  int dashboardPort = 8088;

  @Option(
      names = "--linger",
      description = "Seconds to keep the stack (and the dashboard) up after the summary.")
  int lingerSeconds;

  @Option(
      names = "--weak-candidate",
      description =
          "Also train a weak version 3 (a few dozen batches) and roll it out as a judged canary"
              + " once the judge is done with version 2: the judge rolls it back by itself.")
  boolean weakCandidate;

  @Option(
      names = "--weak-batches",
      description = "Batches the weak version 3 is trained for (default: ${DEFAULT-VALUE}).")
  int weakBatches = 30;

  @Option(names = "--work-dir", description = "Where models, broker data and logs go.")
  Path workDir;

  @Option(
      names = "--registry",
      description =
          "Run in Confluent framing (value.format=confluent): start the schema registry the build"
              + " made (see --registry-jar); images in and predictions out carry a registry id.")
  boolean registry;

  @Option(
      names = "--registry-jar",
      description =
          "The registry's runner jar (default: the one the build left in"
              + " schema-registry-server/target, from the repository root).")
  Path registryJar;

  @Option(
      names = "--registry-url",
      description =
          "Use this Confluent-compatible registry (its API base URL) instead of starting one;"
              + " implies --registry.")
  URI registryUrl;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Path work =
        workDir != null
            ? workDir
            : Path.of("work", "demo-" + Instant.now().toString().replace(':', '-'));
    Files.createDirectories(work);
    String run = "demo-" + UUID.randomUUID().toString().substring(0, 8);
    step("work directory " + work.toAbsolutePath());

    DatasetFiles mnist = data.files();
    step(
        "data: "
            + mnist.source()
            + (!data.given() ? ", SHA-256 of the four files verified" : ", as given"));
    IdxDataset test = mnist.loadTest();
    boolean accounted;
    LocalRegistry localRegistry = null;
    ValueCodecs codecs = ValueCodecs.of(ValueFormats.SINGLE_OBJECT);
    List<String> formatSettings = List.of();
    if (registry || registryUrl != null) {
      URI url = registryUrl;
      if (url == null) {
        try {
          localRegistry =
              LocalRegistry.start(
                  registryJar != null ? registryJar : LocalRegistry.defaultRunner(),
                  work,
                  Duration.ofMinutes(3));
        } catch (IllegalArgumentException | IllegalStateException e) {
          System.err.println("demo: " + e.getMessage());
          return 1;
        }
        url = localRegistry.confluentApiUrl();
      }
      ValueFormats formats = ValueFormats.of(ValueFormat.CONFLUENT, url);
      codecs = ValueCodecs.of(formats);
      formatSettings =
          formats.toProperties().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .toList();
      step("schema registry at " + url + ": Confluent framing on every topic the app writes");
    }

    try (LocalRegistry stopsLast = localRegistry;
        LocalStack stack = kafka.start(work)) {
      step(
          (stack.embedded() ? "embedded Kafka broker (KRaft) at " : "Kafka cluster at ")
              + stack.bootstrapServers());
      String bs = stack.bootstrapServers();
      Path v1 = work.resolve("model-v1");
      Path v2 = work.resolve("model-v2");
      // the trainer reads the very files verified above
      List<String> dataArgs = List.of("--data-dir", mnist.trainImages().getParent().toString());

      step(quick ? "training version 1 (quick run)" : "training version 1 (" + epochs + " epochs)");
      List<String> train = new ArrayList<>(List.of("train", "--output", v1.toString()));
      train.addAll(dataArgs);
      train.addAll(
          quick
              ? List.of("--epochs", "1", "--max-batches", "120")
              : List.of("--epochs", Integer.toString(epochs)));
      train.addAll(List.of("--publish", "--bootstrap-servers", bs));
      StepFailure.requireSuccess(
          TrainerCli.execute(train.toArray(String[]::new)), "training version 1");

      step("fine-tuning version 2 from version 1 (it is published mid-stream)");
      List<String> tune =
          new ArrayList<>(
              List.of(
                  "fine-tune",
                  "--from-dir",
                  v1.toString(),
                  "--output",
                  v2.toString(),
                  "--epochs",
                  "1"));
      tune.addAll(dataArgs);
      if (quick) {
        tune.addAll(List.of("--max-batches", "120"));
      }
      StepFailure.requireSuccess(
          TrainerCli.execute(tune.toArray(String[]::new)), "fine-tuning version 2");

      Path v3 = work.resolve("model-v3-weak");
      if (weakCandidate) {
        step("training a weak version 3 (" + weakBatches + " batches from scratch)");
        List<String> weak =
            new ArrayList<>(
                List.of(
                    "train",
                    "--output",
                    v3.toString(),
                    "--epochs",
                    "1",
                    "--max-batches",
                    Integer.toString(weakBatches)));
        weak.addAll(dataArgs);
        StepFailure.requireSuccess(
            TrainerCli.execute(weak.toArray(String[]::new)), "training version 3");
      }

      DashboardServer dashboard = null;
      ChildJvm app =
          stack.startApp(
              "stream-app",
              httpPort,
              // The heartbeat's address is where the dashboard polls the app: this host.
              concat(
                  List.of(
                      "application.id=mnist-" + run,
                      "http.advertised-host=127.0.0.1",
                      "quality.enabled=true"),
                  formatSettings),
              LocalStack.APP_JVM_OPTIONS);
      LocalStack.awaitReady(app, httpPort, Duration.ofMinutes(2));
      URI appUrl = URI.create("http://127.0.0.1:" + httpPort);
      // No app URL: the dashboard finds the app on the instances topic, from its heartbeats.
      dashboard =
          DashboardServer.start(
              DashboardClients.connect(stack.clientProps()),
              stack.topics(),
              List.of(),
              DashboardOptions.onPort(dashboardPort),
              codecs);
      step("stream app ready (" + appUrl + "/ready /model /stats /metrics)");
      step("live dashboard: " + dashboard.url() + "  (draw a digit there; it goes through Kafka)");

      try (PredictionTracker tracker =
              new PredictionTracker(
                      stack.clientProps(),
                      stack.topics().predictions(),
                      stack.topics().deadLetters(),
                      run,
                      codecs.serde(stack.topics().predictions(), ContractSerdes.prediction()))
                  .start();
          ImageEventSource source =
              new ImageEventSource(
                  stack.clientProps(), stack.topics().images(), "mnist-stream-demo", codecs)) {
        AtomicLong sent = new AtomicLong();
        AtomicLong swapAt = new AtomicLong(-1);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        ticker.scheduleAtFixedRate(
            () -> printLive(tracker, sent.get(), started), 1, 1, TimeUnit.SECONDS);
        CompletableFuture<Integer> publishV2 = new CompletableFuture<>();
        CompletableFuture<String> weakRollout = new CompletableFuture<>();
        long v2At = Math.max(1, events / 10);
        long first = latestVersion(stack);
        step("streaming " + events + " test images at " + (int) rate + " events/s");
        source.send(
            test,
            run,
            events,
            rate,
            () -> false,
            n -> {
              sent.set(n);
              if (n == v2At) {
                swapAt.set(System.currentTimeMillis());
                CompletableFuture.runAsync(
                    () -> {
                      // the operator's `rollout --auto 2` first, so v2 never serves unjudged
                      publishRollout(stack, judged(demoPolicy(), first + 1, first));
                      publishV2.complete(
                          TrainerCli.execute(
                              "publish", "--model-dir", v2.toString(), "--bootstrap-servers", bs));
                    });
              }
              if (weakCandidate && n == events / 2) {
                CompletableFuture.runAsync(() -> weakRollout.complete(rollOutWeak(stack, v3)));
              }
            });
        step("all " + events + " events sent; waiting for the last predictions");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
          var s = tracker.snapshot();
          if (s.predictions() + s.deadLetters() >= events) {
            break;
          }
          Thread.sleep(200);
        }
        ticker.shutdownNow();
        StepFailure.requireSuccess(publishV2.get(60, TimeUnit.SECONDS), "publishing version 2");
        PredictionTracker.Snapshot last = tracker.snapshot();
        summary(last, events, swapAt.get(), started);
        if (weakCandidate) {
          out.println(
              "weak candidate     " + weakRollout.getNow("not rolled out: the stream ended"));
        }
        // the quality app and the judge trail the predictions by a batch or two
        Thread.sleep(3_000);
        JudgedRolloutView.read(stack.clientProps(), stack.topics(), Duration.ofSeconds(30))
            .print(out);
        accounted = accountedFor(events, last.predictions(), last.deadLetters(), last.duplicates());
        if (lingerSeconds > 0) {
          step("keeping the stack up for " + lingerSeconds + " s: " + dashboard.url());
          Thread.sleep(lingerSeconds * 1000L);
        }
      } finally {
        if (dashboard != null) {
          dashboard.close();
        }
      }
    }
    if (!accounted) {
      System.err.println(
          "demo: FAILED: every event must have exactly one prediction or dead letter"
              + " (in = out + dead letters, 0 duplicates); see the summary above");
      return 1;
    }
    return 0;
  }

  /**
   * The demo's policy: shadow, canary 50 %, active; 500 paired labelled events a stage at least, a
   * 1-point drop tolerated at 5 %, a minute a stage. (The default policy of {@code rollout --auto}
   * adds a 10 % canary stage and waits longer: the demo streams for 20 seconds.)
   */
  static RolloutPolicy demoPolicy() {
    return RolloutPolicy.newBuilder(RolloutPolicies.defaultPolicy())
        .setStages(
            List.of(
                RolloutPolicies.stage("shadow", RolloutPolicies.SHADOW, 0, 500, 60_000),
                RolloutPolicies.stage("canary-50", RolloutPolicies.CANARY, 50, 500, 60_000),
                RolloutPolicies.stage("active", RolloutPolicies.ACTIVE, 100, 0, 0)))
        .setMaxP99IncreaseMs(null)
        .build();
  }

  /**
   * The weak candidate's policy: a 10 % canary (500 paired labelled events at least, a minute),
   * then active; what the detection target is measured on.
   */
  static RolloutPolicy weakPolicy() {
    return RolloutPolicy.newBuilder(demoPolicy())
        .setStages(
            List.of(
                RolloutPolicies.stage("canary-10", RolloutPolicies.CANARY, 10, 500, 60_000),
                RolloutPolicies.stage("active", RolloutPolicies.ACTIVE, 100, 0, 0)))
        .build();
  }

  /** The judged rollout of {@code candidate} against {@code baseline} from the first stage. */
  private static ModelRollout judged(RolloutPolicy policy, long candidate, long baseline) {
    return JudgedRollouts.forStage(
        TrainingSettings.DEFAULT_MODEL_NAME,
        policy,
        candidate,
        baseline,
        0,
        Instant.now(),
        null,
        "mnist-stream-demo",
        "demo: rollout --auto " + candidate);
  }

  /** The newest version of the demo's model on the models topic. */
  private static long latestVersion(LocalStack stack) {
    try {
      return ModelsTopic.of(stack.clientProps())
          .withName(stack.topics().models())
          .published(TrainingSettings.DEFAULT_MODEL_NAME, OptionalLong.empty())
          .orElseThrow(() -> new IllegalStateException("no version on the models topic"))
          .getVersion();
    } catch (ModelPublishException e) {
      throw new IllegalStateException("cannot read the models topic: " + e.getMessage(), e);
    }
  }

  private void publishRollout(LocalStack stack, ModelRollout rollout) {
    Properties p = stack.clientProps();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  stack.topics().rollouts(),
                  rollout.getModelName().getBytes(StandardCharsets.UTF_8),
                  ContractSerdes.modelRollout().encode(rollout)))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish the rollout: " + e.getMessage(), e);
    }
    step(
        "rollout --auto "
            + rollout.getCandidateVersion()
            + " against v"
            + rollout.getBaselineVersion()
            + " from stage "
            + rollout.getPolicy().getStages().get(rollout.getStage()).getName()
            + " (the judge takes it from here)");
  }

  /**
   * Once the judge is done with version 2, publishes the weak version 3 and its judged rollout as a
   * canary against whichever version is active then; says what it did.
   */
  private String rollOutWeak(LocalStack stack, Path v3) {
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      JudgedRolloutView view =
          JudgedRolloutView.read(stack.clientProps(), stack.topics(), Duration.ofSeconds(10));
      long v2 = latestVersion(stack);
      while (!view.finished(v2) && System.nanoTime() < deadline) {
        Thread.sleep(500);
        view = JudgedRolloutView.read(stack.clientProps(), stack.topics(), Duration.ofSeconds(10));
      }
      if (!view.finished(v2)) {
        return "not rolled out: the judge was still judging v" + v2;
      }
      long baseline = view.promotedToActive(v2) ? v2 : v2 - 1;
      // the judge's last rollout pins the active version, so v3 does not serve when published
      int published =
          TrainerCli.execute(
              "publish",
              "--model-dir",
              v3.toString(),
              "--bootstrap-servers",
              stack.bootstrapServers());
      if (published != 0) {
        return "publishing v3 failed (exit " + published + ")";
      }
      long weak = latestVersion(stack);
      publishRollout(stack, judged(weakPolicy(), weak, baseline));
      return "v" + weak + " rolled out as a judged canary (10 %) against v" + baseline;
    } catch (Exception e) {
      return "not rolled out: " + e.getMessage();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * The demo's own check, so a user sees the same verdict CI does: every event sent has one
   * prediction or one dead letter, and none has two.
   */
  static boolean accountedFor(long sent, long predictions, long deadLetters, long duplicates) {
    return sent == predictions + deadLetters && duplicates == 0;
  }

  private void printLive(PredictionTracker tracker, long sent, long started) {
    var s = tracker.snapshot();
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        "%s  sent %6d  predicted %6d  %6.0f ev/s  p50 %5.1f ms  p99 %6.1f ms  accuracy %6.2f%%  active v%s%n",
        CLOCK.format(Instant.now()),
        sent,
        s.predictions(),
        s.intervalLatencyMicros().getTotalCount() / 1.0,
        s.intervalLatencyMicros().getValueAtPercentile(50) / 1000.0,
        s.intervalLatencyMicros().getValueAtPercentile(99) / 1000.0,
        100 * s.accuracy(),
        s.latestVersion() < 0 ? "-" : s.latestVersion());
  }

  private void summary(PredictionTracker.Snapshot s, long sent, long swapAt, long started) {
    out.println();
    out.println("=== summary ===");
    out.printf("events in            %d%n", sent);
    out.printf("predictions out      %d (duplicates: %d)%n", s.predictions(), s.duplicates());
    out.printf("dead letters         %d%n", s.deadLetters());
    out.printf(
        "in = out + dead      %s%n", sent == s.predictions() + s.deadLetters() ? "yes" : "NO");
    out.printf("overall accuracy     %.2f%%%n", 100 * s.accuracy());
    out.printf(
        "latency end to end   p50 %.1f ms  p99 %.1f ms  max %.1f ms%n",
        s.latencyMicros().getValueAtPercentile(50) / 1000.0,
        s.latencyMicros().getValueAtPercentile(99) / 1000.0,
        s.latencyMicros().getMaxValue() / 1000.0);
    for (Map.Entry<Long, long[]> e : s.perVersion().entrySet()) {
      out.printf(
          "model v%-3d           served %5d events, accuracy %.2f%%, first prediction at %s%n",
          e.getKey(),
          e.getValue()[0],
          100 * s.accuracyOf(e.getKey()),
          CLOCK.format(Instant.ofEpochMilli(s.firstArrivalOfVersion().get(e.getKey()))));
    }
    if (swapAt > 0) {
      out.printf(
          "v2 rolled out at     %s (after %d events, judged: shadow, canary 50%%, active)%n",
          CLOCK.format(Instant.ofEpochMilli(swapAt)), Math.max(1, sent / 10));
    }
    out.printf("longest gap between two predictions: %d ms%n", s.maxGapMillis());
    out.printf("wall time streaming  %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  private void step(String message) {
    out.println(
        "[" + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + message);
  }
}
