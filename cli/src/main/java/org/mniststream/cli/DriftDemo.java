package org.mniststream.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
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
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.mniststream.dashboard.DashboardClients;
import org.mniststream.dashboard.DashboardServer;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Provenance;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.data.ScannerDrift;
import org.mniststream.trainer.training.MnistTrainer;
import org.mniststream.trainer.training.TrainingSettings;
import picocli.CommandLine;

/**
 * {@code demo --drift}: a drift that the product heals by itself. Version 1 is trained on MNIST and
 * serves the stream; after a first phase of genuine MNIST test images, the upstream "gets a new
 * scanner" ({@link ScannerDrift}: thicker strokes, a rotation, a grey background, lower contrast,
 * noise) and the stream switches to shifted MNIST training images. Events carry no label; the
 * ground truth of a seeded fraction of them comes back on the labels topic after a delay, as it
 * does where people or a later system confirm a digit. The live accuracy drops (the quality app
 * measures it on those labels); the continual trainer ({@link ContinualCommand}, in this process)
 * sees the alarm, fine-tunes the serving version on the labelled events (with a replay sample of
 * MNIST against forgetting) and hands the result to the judge as a judged rollout; the judge
 * promotes it through shadow and canary to active. Then the stream plays the shifted MNIST test
 * images, which no version trained on, so the healed version is measured on events it never saw.
 *
 * <p>The summary: accuracy per phase and version (live, on the ground truth), every version on the
 * same events offline (the original and the shifted test sets, through the serving path), the
 * timeline from the drift to the healed version serving as active (label accumulation, training,
 * judging), the targets, and the accounting (in = out + dead letters, no duplicates), which
 * is the only thing that makes it exit 1, as for the plain demo.
 */
final class DriftDemo {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final String BEFORE = "before";
  private static final String DRIFT = "drift";
  private static final String AFTER = "after";

  /** The shift of the demo, see {@link ScannerDrift.Settings}. */
  record Options(
      ScannerDrift.Settings shift,
      long shiftSeed,
      int eventsBefore,
      double labelFraction,
      long labelDelayMillis,
      int healExamples,
      int healEpochs,
      float healLearningRate,
      double alarmBelow,
      int driftTimeoutSeconds,
      int eventsAfter) {}

  private final DemoCommand demo;
  private final Options options;
  private final PrintStream out = System.out;
  private Prefixed trainerLog;

  DriftDemo(DemoCommand demo, Options options) {
    this.demo = demo;
    this.options = options;
  }

  int run() throws Exception {
    Path work =
        demo.workDir != null
            ? demo.workDir
            : Path.of("work", "drift-" + Instant.now().toString().replace(':', '-'));
    Files.createDirectories(work);
    String run = "drift-" + UUID.randomUUID().toString().substring(0, 8);
    step("work directory " + work.toAbsolutePath());
    DatasetFiles mnist = demo.data.files();
    IdxDataset test = mnist.loadTest();
    IdxDataset train = mnist.loadTrain();
    long t0 = System.nanoTime();
    IdxDataset shiftedTrain = ScannerDrift.shift(train, options.shift(), options.shiftSeed());
    IdxDataset shiftedTest = ScannerDrift.shift(test, options.shift(), options.shiftSeed());
    step(
        String.format(
            Locale.ROOT,
            "data: %s; the new scanner's images made in %.1f s (%s, seed %d)",
            mnist.source(),
            (System.nanoTime() - t0) / 1e9,
            options.shift(),
            options.shiftSeed()));
    int capacity =
        options.eventsBefore()
            + (int) (demo.rate * options.driftTimeoutSeconds())
            + options.eventsAfter()
            + 1_000;
    byte[] truth = new byte[capacity];
    byte[] phase = new byte[capacity];
    boolean accounted;
    try (LocalStack stack = demo.kafka.start(work)) {
      String bs = stack.bootstrapServers();
      step((stack.embedded() ? "embedded Kafka broker (KRaft) at " : "Kafka cluster at ") + bs);
      Path v1 = work.resolve("model-v1");
      String dataDir = mnist.trainImages().getParent().toString();
      if (demo.initialModel != null) {
        step("publishing " + demo.initialModel + " as version 1");
        StepFailure.requireSuccess(
            TrainerCli.execute(
                "publish", "--model-dir", demo.initialModel.toString(), "--bootstrap-servers", bs),
            "publishing version 1");
      } else {
        step(
            demo.quick
                ? "training version 1 (quick run)"
                : "training version 1 (" + demo.epochs + " epochs)");
        List<String> trainArgs =
            new ArrayList<>(List.of("train", "--output", v1.toString(), "--data-dir", dataDir));
        trainArgs.addAll(
            demo.quick
                ? List.of("--epochs", "1", "--max-batches", "120")
                : List.of("--epochs", Integer.toString(demo.epochs)));
        trainArgs.addAll(List.of("--publish", "--bootstrap-servers", bs));
        StepFailure.requireSuccess(
            TrainerCli.execute(trainArgs.toArray(String[]::new)), "training version 1");
      }
      long first = latestVersion(stack);

      ChildJvm app =
          stack.startApp(
              "stream-app",
              demo.httpPort,
              List.of(
                  "application.id=mnist-" + run,
                  "http.advertised-host=127.0.0.1",
                  "quality.enabled=true"),
              LocalStack.APP_JVM_OPTIONS);
      LocalStack.awaitReady(app, demo.httpPort, Duration.ofMinutes(2));
      DashboardServer dashboard =
          DashboardServer.start(
              DashboardClients.connect(stack.clientProps()),
              stack.topics(),
              List.of(),
              demo.dashboardPort);
      step("stream app ready; live dashboard: " + dashboard.url());

      ContinualCommand continual = new ContinualCommand();
      continual.embedded = true;
      continual.embeddedPolicy = DemoCommand.demoPolicy();
      CommandLine continualCli = new CommandLine(continual);
      trainerLog = new Prefixed(out, "continual");
      continualCli.setOut(new PrintWriter(trainerLog, true));
      continualCli.setErr(new PrintWriter(new Prefixed(System.err, "continual"), true));
      String[] continualArgs = {
        "--bootstrap-servers",
        bs,
        "--data-dir",
        dataDir,
        "--start",
        "earliest",
        "--poll-interval",
        "2",
        "--min-examples",
        Integer.toString(options.healExamples() * 4),
        "--accuracy-below",
        Double.toString(options.alarmBelow()),
        "--min-examples-on-alarm",
        Integer.toString(options.healExamples()),
        "--alarm-min-labelled",
        "200",
        "--epochs",
        Integer.toString(options.healEpochs()),
        "--learning-rate",
        Float.toString(options.healLearningRate()),
        "--seed",
        "42"
      };
      Thread continualThread =
          new Thread(() -> continualCli.execute(continualArgs), "continual-trainer");
      continualThread.setDaemon(true);
      continualThread.start();
      step(
          "continual trainer started: fine-tunes the serving version when its live accuracy is"
              + " below "
              + options.alarmBelow()
              + " with "
              + options.healExamples()
              + " new labelled events, then hands it to the judge");

      AtomicReference<Healed> healed = new AtomicReference<>();
      AtomicLong driftStartedAt = new AtomicLong(-1);
      ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
      Properties labelProps = stack.clientProps();
      labelProps.put(ProducerConfig.ACKS_CONFIG, "all");
      labelProps.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      long sent = 0;
      long labelsSent;
      AtomicLong labels = new AtomicLong();
      long healedSentAt = -1;
      try (PredictionTracker tracker =
              new PredictionTracker(
                      stack.clientProps(),
                      stack.topics().predictions(),
                      stack.topics().deadLetters(),
                      run)
                  .withTruth(
                      s -> s < capacity ? truth[(int) s] : -1,
                      s -> s < capacity ? phaseName(phase[(int) s]) : "?")
                  .start();
          ImageEventSource source =
              new ImageEventSource(stack.clientProps(), stack.topics().images(), "new-scanner");
          KafkaProducer<byte[], byte[]> labelProducer =
              new KafkaProducer<>(
                  labelProps, new ByteArraySerializer(), new ByteArraySerializer())) {
        long started = System.nanoTime();
        AtomicLong sentCounter = new AtomicLong();
        background.scheduleAtFixedRate(
            () -> printLive(tracker, sentCounter.get(), healed.get()), 1, 1, TimeUnit.SECONDS);
        background.scheduleAtFixedRate(
            () -> watchJudge(stack, first, healed), 2, 1, TimeUnit.SECONDS);
        step(
            String.format(
                Locale.ROOT,
                "streaming at %d events/s: %,d MNIST test images, then the new scanner; the labels"
                    + " of %.0f %% of the events come back after %.1f s",
                (int) demo.rate,
                options.eventsBefore(),
                100 * options.labelFraction(),
                options.labelDelayMillis() / 1000.0));
        long intervalNanos = (long) (1e9 / demo.rate);
        int afterSent = 0;
        int driftIndex = 0;
        long driftDeadline = Long.MAX_VALUE;
        while (sent < capacity) {
          long due = started + sent * intervalNanos;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          IdxDataset images;
          int index;
          byte which;
          if (sent < options.eventsBefore()) {
            images = test;
            index = (int) (sent % test.count());
            which = 0;
          } else if (healed.get() == null && System.nanoTime() < driftDeadline) {
            if (driftStartedAt.get() < 0) {
              driftStartedAt.set(System.currentTimeMillis());
              driftDeadline =
                  System.nanoTime() + TimeUnit.SECONDS.toNanos(options.driftTimeoutSeconds());
              step("THE NEW SCANNER: the stream switches to shifted images");
            }
            images = shiftedTrain;
            index = driftIndex++ % shiftedTrain.count();
            which = 1;
          } else if (afterSent < options.eventsAfter()) {
            if (afterSent == 0) {
              healedSentAt = sent;
              step(
                  healed.get() != null
                      ? "healed: v"
                          + healed.get().version()
                          + " is active; now the shifted test images, which no version trained on"
                      : "not healed within "
                          + options.driftTimeoutSeconds()
                          + " s; now the shifted test images");
            }
            images = shiftedTest;
            index = afterSent++ % shiftedTest.count();
            which = 2;
          } else {
            break;
          }
          int seq = (int) sent;
          truth[seq] = (byte) images.label(index);
          phase[seq] = which;
          String id = ImageEventSource.eventId(run, seq);
          source.sendUnlabelled(images, index, id);
          if (labelled(seq, options.labelFraction())) {
            int label = images.label(index);
            background.schedule(
                () -> sendLabel(labelProducer, stack, id, label, labels),
                options.labelDelayMillis(),
                TimeUnit.MILLISECONDS);
          }
          sent++;
          sentCounter.set(sent);
        }
        source.flush();
        step("all " + sent + " events sent; waiting for the last predictions and labels");
        tracker.awaitAccounted(sent, Duration.ofSeconds(90));
        background.shutdown();
        background.awaitTermination(options.labelDelayMillis() + 10_000, TimeUnit.MILLISECONDS);
        labelProducer.flush();
        labelsSent = labels.get();
        continual.stop();
        PredictionTracker.Snapshot last = tracker.snapshot();
        Thread.sleep(2_000); // the judge and quality app trail by a batch or two
        continualThread.join(TimeUnit.MINUTES.toMillis(2));
        summary(
            stack,
            last,
            sent,
            labelsSent,
            first,
            driftStartedAt.get(),
            healed.get(),
            healedSentAt,
            test,
            shiftedTest,
            (System.nanoTime() - started) / 1e9);
        accounted =
            DemoCommand.accountedFor(
                sent, last.predictions(), last.deadLetters(), last.duplicates());
        if (demo.lingerSeconds > 0) {
          step("keeping the stack up for " + demo.lingerSeconds + " s: " + dashboard.url());
          Thread.sleep(demo.lingerSeconds * 1000L);
        }
      } finally {
        background.shutdownNow();
        continual.stop();
        dashboard.close();
      }
    }
    return DemoCommand.exitCode(accounted);
  }

  /**
   * Whether the ground truth of event {@code seq} comes back: a fixed pseudo-random {@code
   * fraction} of the events (SplitMix64 of the sequence number), the same in every run.
   */
  static boolean labelled(long seq, double fraction) {
    long z = (seq + 0x632BE59BD9B4E019L) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53 < fraction;
  }

  private static String phaseName(byte phase) {
    return switch (phase) {
      case 0 -> BEFORE;
      case 1 -> DRIFT;
      default -> AFTER;
    };
  }

  private static void sendLabel(
      KafkaProducer<byte[], byte[]> producer,
      LocalStack stack,
      String eventId,
      int label,
      AtomicLong count) {
    LabelEvent event =
        LabelEvent.newBuilder()
            .setEventId(eventId)
            .setLabel(label)
            .setLabelledBy("demo-ground-truth")
            .setLabelledAt(Instant.now())
            .build();
    producer.send(
        new ProducerRecord<>(
            stack.topics().labels(),
            eventId.getBytes(StandardCharsets.UTF_8),
            ContractSerdes.labelEvent().encode(event)),
        (m, e) -> {
          if (e == null) {
            count.incrementAndGet();
          }
        });
  }

  /** The first version after v1 that the judge made active, and when. */
  record Healed(long version, Instant at) {}

  private void watchJudge(LocalStack stack, long first, AtomicReference<Healed> healed) {
    if (healed.get() != null) {
      return;
    }
    try {
      JudgedRolloutView view =
          JudgedRolloutView.read(stack.clientProps(), stack.topics(), Duration.ofSeconds(10));
      for (JudgeDecision d : view.decisions()) {
        if (d.getCandidateVersion() > first && view.promotedToActive(d.getCandidateVersion())) {
          Instant at = view.lastDecisionOn(d.getCandidateVersion()).get().getDecidedAt();
          healed.compareAndSet(null, new Healed(d.getCandidateVersion(), at));
          return;
        }
      }
    } catch (Exception e) {
      // the next look tries again; the summary reads the topics once more anyway
    }
  }

  private void printLive(PredictionTracker tracker, long sent, Healed healed) {
    var s = tracker.snapshot();
    StringBuilder phases = new StringBuilder();
    for (Map.Entry<String, long[]> e : s.perPhase().entrySet()) {
      long[] c = e.getValue();
      if (c[1] > 0) {
        phases.append(
            String.format(
                Locale.ROOT, "  %s %.1f%%", e.getKey().replace("/", " v"), 100.0 * c[2] / c[1]));
      }
    }
    out.printf(
        Locale.ROOT,
        "%s  sent %6d  predicted %6d  active v%s%s%n",
        CLOCK.format(Instant.now()),
        sent,
        s.predictions(),
        s.latestVersion() < 0 ? "-" : s.latestVersion(),
        phases);
  }

  private void summary(
      LocalStack stack,
      PredictionTracker.Snapshot s,
      long sent,
      long labelsSent,
      long first,
      long driftStartedAt,
      Healed healed,
      long healedSentAt,
      IdxDataset test,
      IdxDataset shiftedTest,
      double seconds)
      throws Exception {
    out.println();
    out.println("=== summary: a drift that heals ===");
    out.printf(Locale.ROOT, "events in            %,d (labels sent back: %,d)%n", sent, labelsSent);
    out.printf(
        Locale.ROOT,
        "predictions out      %,d (duplicates: %d), dead letters %d, in = out + dead: %s%n",
        s.predictions(),
        s.duplicates(),
        s.deadLetters(),
        sent == s.predictions() + s.deadLetters() ? "yes" : "NO");
    out.printf(Locale.ROOT, "wall time streaming  %.1f s%n", seconds);
    out.println();
    out.println("live accuracy per phase and serving version (every event, on its ground truth):");
    for (Map.Entry<String, long[]> e : s.perPhase().entrySet()) {
      String[] pv = e.getKey().split("/");
      long[] c = e.getValue();
      out.printf(
          Locale.ROOT,
          "  %-7s v%-3s %,7d events  accuracy %s%n",
          pv[0],
          pv.length > 1 ? pv[1] : "?",
          c[0],
          c[1] == 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", 100.0 * c[2] / c[1]));
    }

    ContinualCommand.Control control =
        ContinualCommand.Control.read(
            stack.clientProps(),
            stack.topics().models(),
            stack.topics().rollouts(),
            TrainingSettings.DEFAULT_MODEL_NAME,
            Duration.ofSeconds(30));
    NavigableMap<Long, ModelVersion> versions = control.versions();
    out.println();
    out.println(
        "every version on the same events (offline, through the serving path; the stream never"
            + " carried the shifted test images before the last phase):");
    out.printf(
        Locale.ROOT,
        "  %-8s %-14s %-14s %s%n",
        "version",
        "MNIST test",
        "shifted test",
        "trained on");
    double v1Shifted = Double.NaN;
    double healedShifted = Double.NaN;
    double healedOriginal = Double.NaN;
    for (ModelVersion v : versions.values()) {
      double original = MnistTrainer.evaluate(v, test).getTestAccuracy();
      double shifted = MnistTrainer.evaluate(v, shiftedTest).getTestAccuracy();
      if (v.getVersion() == first) {
        v1Shifted = shifted;
      }
      if (healed != null && v.getVersion() == healed.version()) {
        healedShifted = shifted;
        healedOriginal = original;
      }
      Provenance p = v.getProvenance();
      out.printf(
          Locale.ROOT,
          "  v%-7d %-14s %-14s %s%n",
          v.getVersion(),
          String.format(Locale.ROOT, "%.2f%%", 100 * original),
          String.format(Locale.ROOT, "%.2f%%", 100 * shifted),
          p == null
              ? "MNIST training set"
              : String.format(
                  Locale.ROOT,
                  "from v%d: %,d stream examples + %,d replayed MNIST, %,d held out",
                  v.getParentVersion(),
                  p.getStreamExamples(),
                  p.getReplayedExamples(),
                  p.getHoldoutExamples()));
    }

    out.println();
    out.println("timeline:");
    java.util.TreeMap<Long, List<String>> timeline = new java.util.TreeMap<>();
    java.util.function.BiConsumer<Long, String> at =
        (t, what) -> timeline.computeIfAbsent(t, k -> new ArrayList<>()).add(what);
    if (driftStartedAt > 0) {
      at.accept(driftStartedAt, "the new scanner: first shifted event");
    }
    JudgedRolloutView view =
        JudgedRolloutView.read(stack.clientProps(), stack.topics(), Duration.ofSeconds(30));
    for (ModelVersion v : versions.values()) {
      if (v.getVersion() != first) {
        at.accept(
            v.getCreatedAt().toEpochMilli(),
            "v" + v.getVersion() + " published by the continual trainer");
      }
    }
    for (Map.Entry<Long, String> started : trainerLog.started()) {
      at.accept(started.getKey(), "continual trainer: " + started.getValue());
    }
    Map<Long, Long> publishedAt = new java.util.HashMap<>();
    versions
        .values()
        .forEach(v -> publishedAt.put(v.getVersion(), v.getCreatedAt().toEpochMilli()));
    for (JudgeDecision d : view.decisions()) {
      at.accept(
          d.getDecidedAt().toEpochMilli(),
          String.format(
              Locale.ROOT,
              "judge: %s v%d after %s (%d labelled pairs)%s",
              d.getAction(),
              d.getCandidateVersion(),
              d.getStageName(),
              d.getPairs(),
              d.getNextStageName() == null ? "" : " -> " + d.getNextStageName()));
    }
    timeline.forEach((t, whats) -> whats.forEach(w -> out.println("  " + clock(t) + "  " + w)));
    double healSeconds = Double.NaN;
    if (healed != null && driftStartedAt > 0) {
      healSeconds = (healed.at().toEpochMilli() - driftStartedAt) / 1000.0;
      out.printf(
          Locale.ROOT,
          "  %s  v%d active: %.0f s after the drift began%n",
          clock(healed.at().toEpochMilli()),
          healed.version(),
          healSeconds);
      // where the time went: waiting for labelled examples, training, judging
      Long trained = publishedAt.get(healed.version());
      Long began =
          trainerLog.started().stream()
              .map(Map.Entry::getKey)
              .filter(t -> trained != null && t <= trained)
              .reduce((a, b) -> b)
              .orElse(null);
      if (trained != null && began != null) {
        out.printf(
            Locale.ROOT,
            "  the %.0f s: %.0f s until the trainer had its examples (labels come back at %.0f"
                + " a second), %.0f s fine-tuning and evaluating, %.0f s judging%n",
            healSeconds,
            (began - driftStartedAt) / 1000.0,
            demo.rate * options.labelFraction(),
            (trained - began) / 1000.0,
            (healed.at().toEpochMilli() - trained) / 1000.0);
      }
    }

    out.println();
    out.println("targets (issue 14):");
    out.printf(
        Locale.ROOT,
        "  v1 on the shifted test images        %.2f%% (it loses %.1f points)%n",
        100 * v1Shifted,
        100 * (MnistTrainer.evaluate(versions.get(first), test).getTestAccuracy() - v1Shifted));
    target("healed version on the shifted images", healedShifted, ">= 97 %", healedShifted >= 0.97);
    target(
        "healed version on MNIST's test set", healedOriginal, ">= 98.8 %", healedOriginal >= 0.988);
    out.printf(
        Locale.ROOT,
        "  drift to healed version active        %s  (<= 180 s: %s)%n",
        Double.isNaN(healSeconds)
            ? "not healed"
            : String.format(Locale.ROOT, "%.0f s", healSeconds),
        !Double.isNaN(healSeconds) && healSeconds <= 180 ? "met" : "MISSED");
    out.printf(
        Locale.ROOT,
        "  lost and duplicated predictions      %d and %d  (0 and 0: %s)%n",
        sent - s.predictions() - s.deadLetters(),
        s.duplicates(),
        sent == s.predictions() + s.deadLetters() && s.duplicates() == 0 ? "met" : "MISSED");
    view.print(out);
  }

  private void target(String what, double value, String goal, boolean met) {
    out.printf(
        Locale.ROOT,
        "  %-37s %s  (%s: %s)%n",
        what,
        Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * value),
        goal,
        met ? "met" : "MISSED");
  }

  private static String clock(long epochMillis) {
    return CLOCK.format(Instant.ofEpochMilli(epochMillis));
  }

  private static long latestVersion(LocalStack stack) throws Exception {
    NavigableMap<Long, ModelVersion> versions =
        ContinualCommand.Control.read(
                stack.clientProps(),
                stack.topics().models(),
                stack.topics().rollouts(),
                TrainingSettings.DEFAULT_MODEL_NAME,
                Duration.ofSeconds(30))
            .versions();
    if (versions.isEmpty()) {
      throw new IllegalStateException("no version on the models topic");
    }
    return versions.lastKey();
  }

  private void step(String message) {
    out.println(
        "[" + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + "] " + message);
  }

  /**
   * Writes each line to {@code target} after the time and a name, so the trainer's lines read as
   * its own; keeps the moments it started fine-tuning, for the timeline.
   */
  private static final class Prefixed extends Writer {
    private final PrintStream target;
    private final String name;
    private final StringBuilder line = new StringBuilder();
    private final List<Map.Entry<Long, String>> started = new ArrayList<>();

    Prefixed(PrintStream target, String name) {
      this.target = target;
      this.name = name;
    }

    @Override
    public synchronized void write(char[] chars, int off, int len) {
      for (int i = off; i < off + len; i++) {
        char c = chars[i];
        if (c == '\n') {
          emit();
        } else if (c != '\r') {
          line.append(c);
        }
      }
    }

    private void emit() {
      long millis = System.currentTimeMillis();
      String now = clock(millis);
      if (line.toString().startsWith("Fine-tuning")) {
        String what = line.toString();
        int colon = what.indexOf(": ");
        started.add(Map.entry(millis, colon > 0 ? what.substring(0, colon) : what));
      }
      target.println("  [" + now + " " + name + "] " + line);
      line.setLength(0);
    }

    synchronized List<Map.Entry<Long, String>> started() {
      return List.copyOf(started);
    }

    @Override
    public void flush() {}

    @Override
    public synchronized void close() {
      if (line.length() > 0) {
        emit();
      }
    }
  }
}
