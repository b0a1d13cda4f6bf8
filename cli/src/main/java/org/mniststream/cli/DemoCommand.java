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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
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
import org.mniststream.topics.AclPlan.Role;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.ScannerDrift;
import org.mniststream.trainer.publishing.ModelPublishException;
import org.mniststream.trainer.publishing.ModelsTopic;
import org.mniststream.trainer.training.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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
      names = "--drift",
      description =
          "A drift that heals: after --drift-before MNIST events the stream switches to a new"
              + " scanner's images (thicker, rotated, greyer, noisier), labels come back for a"
              + " fraction of events after a delay, the continual trainer fine-tunes, the judge"
              + " promotes, accuracy recovers.")
  boolean drift;

  @Option(
      names = "--drift-before",
      description = "With --drift: MNIST test images before the drift (default: 5000).")
  Integer driftBefore;

  @Option(
      names = "--label-fraction",
      description = "With --drift: events whose label comes back (default: ${DEFAULT-VALUE}).")
  double labelFraction = 0.2;

  @Option(
      names = "--label-delay",
      description = "With --drift: seconds before a label comes back (default: ${DEFAULT-VALUE}).")
  double labelDelaySeconds = 5;

  @Option(
      names = "--heal-examples",
      description =
          "With --drift: new labelled events the continual trainer waits for once the live"
              + " accuracy is below --alarm-below (default: 8000).")
  Integer healExamples;

  @Option(
      names = "--heal-epochs",
      description = "With --drift: epochs of each continual fine-tune (default: ${DEFAULT-VALUE}).")
  int healEpochs = 2;

  @Option(
      names = "--heal-learning-rate",
      description = "With --drift: Adam's step of the fine-tune (default: ${DEFAULT-VALUE}).")
  float healLearningRate = 0.0005f;

  @Option(
      names = "--alarm-below",
      description =
          "With --drift: the continual trainer's alarm, live accuracy below this (default:"
              + " ${DEFAULT-VALUE}).")
  double alarmBelow = 0.95;

  @Option(
      names = "--drift-max-rotation",
      description =
          "With --drift: the new scanner's largest rotation either way, degrees (default:"
              + " ${DEFAULT-VALUE}).")
  double driftMaxRotation = ScannerDrift.Settings.DEFAULTS.maxRotationDegrees();

  @Option(
      names = "--initial-model",
      paramLabel = "DIR",
      description =
          "With --drift: publish this saved model (model.params + model-version.avro) as version 1"
              + " instead of training one.")
  Path initialModel;

  @Option(
      names = "--drift-timeout",
      description =
          "With --drift: seconds of drifted stream before giving up on the heal (default:"
              + " ${DEFAULT-VALUE}).")
  int driftTimeoutSeconds = 360;

  @Option(
      names = "--secure",
      description =
          "Run on the embedded broker's secure profile (SASL_SSL, SCRAM-SHA-512, the standard"
              + " authorizer, nothing allowed unless granted): each component connects as its own"
              + " principal with the least-privilege ACLs of 'security acls'.")
  boolean secure;

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

  @Spec CommandSpec spec;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    boolean confluent = registry || registryUrl != null;
    if (drift && (secure || weakCandidate || confluent)) {
      throw new ParameterException(
          spec.commandLine(),
          "--drift runs without --secure, --weak-candidate and --registry (for now)");
    }
    if (secure && confluent) {
      throw new ParameterException(
          spec.commandLine(), "--secure and --registry do not combine (for now)");
    }
    if (drift) {
      ScannerDrift.Settings d = ScannerDrift.Settings.DEFAULTS;
      return new DriftDemo(
              this,
              new DriftDemo.Options(
                  new ScannerDrift.Settings(
                      d.strokeRadius(),
                      driftMaxRotation,
                      d.contrast(),
                      d.background(),
                      d.noiseSigma()),
                  1,
                  driftBefore != null ? driftBefore : quick ? 1_000 : 5_000,
                  labelFraction,
                  Math.round(labelDelaySeconds * 1000),
                  healExamples != null ? healExamples : quick ? 1_000 : 8_000,
                  quick ? 1 : healEpochs,
                  healLearningRate,
                  alarmBelow,
                  driftTimeoutSeconds,
                  quick ? Math.min(2_000, events) : events))
          .run();
    }
    Path work =
        workDir != null
            ? workDir
            : Path.of("work", "demo-" + Instant.now().toString().replace(':', '-'));
    if (secure && (kafka.bootstrapServers != null || kafka.brokers != 1)) {
      throw new ParameterException(
          spec.commandLine(),
          "--secure runs one embedded broker: it goes with neither --bootstrap-servers nor"
              + " --brokers");
    }
    if (secure && Files.exists(work.resolve("kafka"))) {
      throw new ParameterException(
          spec.commandLine(),
          "--secure needs a fresh --work-dir: "
              + work.resolve("kafka")
              + " holds a broker whose SCRAM credentials were made for an earlier run");
    }
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
        LocalStack stack =
            secure ? LocalStack.startSecure(work, kafka.partitions) : kafka.start(work)) {
      step(
          (stack.secure()
                  ? "secure embedded Kafka broker (KRaft; SASL_SSL, SCRAM-SHA-512, ACLs) at "
                  : stack.embedded() ? "embedded Kafka broker (KRaft) at " : "Kafka cluster at ")
              + stack.bootstrapServers());
      String bs = stack.bootstrapServers();
      if (stack.secure()) {
        // the judge runs in the app (quality.enabled=true), under the stream app's principal
        stack.applyAcls("mnist-" + run, true);
        step(
            "principals image-producer, trainer, stream-app, operator, dashboard, judge: ACLs"
                + " of 'security acls --judge-in-stream-app' applied; client settings in "
                + stack.clientConfigFile(Role.TRAINER).getParent());
        step(forbiddenRollout(stack));
      }
      List<String> trainerKafka = trainerKafka(stack);
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
      train.addAll(trainerKafka);
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
              DashboardClients.connect(stack.clientProps(Role.DASHBOARD)),
              stack.topics(),
              List.of(),
              DashboardOptions.onPort(dashboardPort),
              codecs);
      step("stream app ready (" + appUrl + "/ready /model /stats /metrics)");
      step("live dashboard: " + dashboard.url() + "  (draw a digit there; it goes through Kafka)");

      try (PredictionTracker tracker =
              new PredictionTracker(
                      stack.clientProps(Role.DASHBOARD),
                      stack.topics().predictions(),
                      stack.topics().deadLetters(),
                      run,
                      codecs.serde(stack.topics().predictions(), ContractSerdes.prediction()))
                  .start();
          ImageEventSource source =
              new ImageEventSource(
                  stack.clientProps(Role.IMAGE_PRODUCER),
                  stack.topics().images(),
                  "mnist-stream-demo",
                  codecs)) {
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
                      List<String> publish =
                          new ArrayList<>(
                              List.of(
                                  "publish",
                                  "--model-dir",
                                  v2.toString(),
                                  "--bootstrap-servers",
                                  bs));
                      publish.addAll(trainerKafka);
                      publishV2.complete(TrainerCli.execute(publish.toArray(String[]::new)));
                    });
              }
              if (weakCandidate && n == events / 2) {
                CompletableFuture.runAsync(() -> weakRollout.complete(rollOutWeak(stack, v3)));
              }
            });
        step("all " + events + " events sent; waiting for the last predictions");
        tracker.awaitAccounted(events, Duration.ofSeconds(90));
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
        JudgedRolloutView.read(
                stack.clientProps(Role.OPERATOR), stack.topics(), Duration.ofSeconds(30))
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
    return exitCode(accounted);
  }

  /** 0, or 1 with the reason in one line, for the demo's own accounting check. */
  static int exitCode(boolean accounted) {
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
      return ModelsTopic.of(stack.clientProps(Role.TRAINER))
          .withName(stack.topics().models())
          .published(TrainingSettings.DEFAULT_MODEL_NAME, OptionalLong.empty())
          .orElseThrow(() -> new IllegalStateException("no version on the models topic"))
          .getVersion();
    } catch (ModelPublishException e) {
      throw new IllegalStateException("cannot read the models topic: " + e.getMessage(), e);
    }
  }

  private void publishRollout(LocalStack stack, ModelRollout rollout) {
    Properties p = stack.clientProps(Role.OPERATOR);
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
          JudgedRolloutView.read(
              stack.clientProps(Role.OPERATOR), stack.topics(), Duration.ofSeconds(10));
      long v2 = latestVersion(stack);
      while (!view.finished(v2) && System.nanoTime() < deadline) {
        Thread.sleep(500);
        view =
            JudgedRolloutView.read(
                stack.clientProps(Role.OPERATOR), stack.topics(), Duration.ofSeconds(10));
      }
      if (!view.finished(v2)) {
        return "not rolled out: the judge was still judging v" + v2;
      }
      long baseline = view.promotedToActive(v2) ? v2 : v2 - 1;
      // the judge's last rollout pins the active version, so v3 does not serve when published
      List<String> publish =
          new ArrayList<>(
              List.of("publish", "--model-dir", v3.toString(), "--bootstrap-servers", bs(stack)));
      publish.addAll(trainerKafka(stack));
      int published = TrainerCli.execute(publish.toArray(String[]::new));
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
   * The image producer's principal tries to write a rollout: the broker must refuse it, or the
   * secure demo stops here (the ACLs would not be in force).
   */
  private static String forbiddenRollout(LocalStack stack) {
    Properties p = stack.clientProps(Role.IMAGE_PRODUCER);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    ModelRollout pin =
        ModelRollout.newBuilder()
            .setModelName(TrainingSettings.DEFAULT_MODEL_NAME)
            .setActiveVersion(1L)
            .setIssuedAt(Instant.now())
            .setIssuedBy("image-producer")
            .build();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  stack.topics().rollouts(),
                  pin.getModelName().getBytes(StandardCharsets.UTF_8),
                  ContractSerdes.modelRollout().encode(pin)))
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicAuthorizationException refused) {
        return "forbidden write: image-producer -> "
            + stack.topics().rollouts()
            + ": refused by the broker ("
            + refused.getMessage()
            + ")";
      }
      throw new IllegalStateException("the forbidden write failed otherwise: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the forbidden write got no answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    throw new IllegalStateException(
        "the image producer could write a rollout: the ACLs are not in force");
  }

  private static String bs(LocalStack stack) {
    return stack.bootstrapServers();
  }

  /** The trainer's {@code --kafka-config} on the secure broker: its principal; else nothing. */
  private static List<String> trainerKafka(LocalStack stack) {
    return stack.secure()
        ? List.of("--kafka-config", stack.clientConfigFile(Role.TRAINER).toString())
        : List.of();
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
