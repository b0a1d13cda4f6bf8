package org.mniststream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.mniststream.cli.PredictionTracker.ServingGaps;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.trainer.TrainerCli;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Load generator: produces image events at a fixed rate or flat out against the stream app (a child
 * JVM it starts, on the embedded broker or any cluster), consumes the committed predictions and
 * prints events/s sustained, end-to-end latency percentiles (HdrHistogram, production to arrival),
 * dead letters, and the app's CPU and RSS; optionally as JSON. With {@code --compare naive}, {@code
 * --variant ...} or {@code --backlog N} it hands over to {@link PeerBench}: the product against the
 * naive peer or variants of the product against each other, in alternating runs, and the drain of a
 * queued backlog.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "End-to-end load generator: throughput, latency percentiles, CPU and RSS.")
final class BenchCommand implements Callable<Integer> {
  @Mixin RunOptions.Data data;
  @Mixin RunOptions.Kafka kafka;

  @Option(names = "--rate", description = "Events/s; 0 = flat out (default: ${DEFAULT-VALUE}).")
  double rate = 1000;

  @Option(names = "--duration", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  int durationSeconds = 60;

  @Option(names = "--warmup", description = "Unmeasured seconds first (default: ${DEFAULT-VALUE}).")
  int warmupSeconds = 10;

  @Option(
      names = "--guarantee",
      description = "processing.guarantee of the app (default: ${DEFAULT-VALUE}).")
  String guarantee = "exactly_once_v2";

  @Option(names = "--set", description = "Extra stream-app setting key=value (repeatable).")
  List<String> settings = new ArrayList<>();

  @Option(
      names = "--app-jvm-option",
      description =
          "JVM option of the stream app (repeatable; given ones replace the default:"
              + " ${DEFAULT-VALUE}).")
  List<String> appJvmOptions = new ArrayList<>(LocalStack.APP_JVM_OPTIONS);

  @Option(
      names = "--nmt",
      description =
          "Run the app with native memory tracking and print what grew between warm-up end and"
              + " the end (jcmd VM.native_memory summary.diff).")
  boolean nativeMemoryTracking;

  @Option(names = "--swap-every", description = "Publish a new model version every N seconds.")
  int swapEverySeconds;

  @Option(
      names = "--model-dir",
      description = "Saved model to serve; default: a quick-trained one.")
  Path modelDir;

  @Option(names = "--json", description = "Also append the figures as one JSON line to this file.")
  Path json;

  @Option(
      names = "--http-port",
      description =
          "HTTP port of the first stream app; the next ones count up (default: ${DEFAULT-VALUE}).")
  int httpPort = 18080;

  @Option(
      names = "--instances",
      description =
          "Stream-app instances sharing the work (one application id); CPU and RSS are their sum"
              + " (default: ${DEFAULT-VALUE}).")
  int instances = 1;

  @Option(
      names = "--compare",
      paramLabel = "PEER",
      description =
          "Also run a peer, alternating with the product on the same broker, model and events,"
              + " and print both with product/peer ratios. naive: one DJL Predictor call per"
              + " record, default Kafka Streams settings.")
  String compare;

  @Option(
      names = "--runs",
      description =
          "With --compare, --variant or --backlog: runs of each side, alternating (default:"
              + " ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--variant",
      paramLabel = "NAME[=KEY=VALUE,...]",
      description =
          "A configuration of the product, run in turn with the others at --rate (repeatable):"
              + " its name, then the stream-app settings it changes, after --set's, e.g."
              + " --variant fixed --variant b25=inference.latency-budget-ms=25. Each run gets fresh"
              + " topics and a fresh application id; prints each variant's medians over --runs"
              + " and its ratios to the first variant.")
  List<String> variants = new ArrayList<>();

  @Option(
      names = "--backlog",
      paramLabel = "EVENTS",
      description =
          "Queue this many events with no app running, then measure how fast each run drains"
              + " them (broker append times of the outputs) and the drain rate per second.")
  long backlog;

  @Option(
      names = "--max-drain-seconds",
      description =
          "With --backlog: stop a run this long after it is ready, drained or not, and report the"
              + " rate of what came out (0 = until drained).")
  int maxDrainSeconds;

  /** Gaps between predictions this close to a swap count as the swap's. */
  static final long SWAP_WINDOW_MILLIS = 2_000;

  @Override
  public Integer call() throws Exception {
    if (compare != null && !compare.equals("naive")) {
      System.err.println("bench: --compare knows one peer, naive; got '" + compare + "'");
      return 2;
    }
    boolean alternating = compare != null || backlog > 0 || !variants.isEmpty();
    if (alternating && (runs < 1 || instances != 1 || swapEverySeconds > 0)) {
      System.err.println(
          "bench: --compare, --variant and --backlog need --runs >= 1, one instance and no"
              + " --swap-every");
      return 2;
    }
    if (!variants.isEmpty() && backlog > 0) {
      System.err.println("bench: --variant runs at --rate, not with --backlog");
      return 2;
    }
    try {
      SideBySide.Variant.parseAll(variants);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    }
    try {
      ValueFormats.from(settingsAsProperties(settings));
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    }
    if (compare != null && ValueFormats.from(settingsAsProperties(settings)).anyConfluent()) {
      System.err.println("bench: --compare runs in single-object framing (the naive peer's)");
      return 2;
    }
    Path work = LocalStack.scratchDirectory("mnist-bench-");
    String run = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    DatasetFiles mnist = data.files();
    IdxDataset test = mnist.loadTest();
    String data = mnist.trainImages().getParent().toString();
    try (LocalStack stack = kafka.start(work)) {
      String bs = stack.bootstrapServers();
      Path model = modelDir;
      if (model == null) {
        model = work.resolve("model");
        StepFailure.requireSuccess(
            TrainerCli.execute(
                "train",
                "--data-dir",
                data,
                "--epochs",
                "1",
                "--max-batches",
                "60",
                "--output",
                model.toString()),
            "training the benchmark model");
      }
      StepFailure.requireSuccess(publish(model, bs), "publishing the model");
      if (alternating) {
        PeerBench peers = new PeerBench(this, work, stack, model, test);
        return backlog > 0 ? peers.backlog() : peers.compareSteady();
      }
      List<String> appSettings = new ArrayList<>(settings);
      appSettings.add("application.id=mnist-" + run);
      appSettings.add("processing.guarantee=" + guarantee);
      List<String> jvmOptions = new ArrayList<>(appJvmOptions);
      if (nativeMemoryTracking) {
        jvmOptions.add("-XX:NativeMemoryTracking=summary");
      }
      appSettings.add("http.advertised-host=127.0.0.1");
      List<ChildJvm> apps = new ArrayList<>();
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        String name = instances == 1 ? "stream-app" : "stream-app-" + (i + 1);
        List<String> own = new ArrayList<>(appSettings);
        own.add("instance.id=" + name);
        ports.add(httpPort + i);
        apps.add(stack.startApp(name, httpPort + i, own, jvmOptions));
      }
      for (int i = 0; i < instances; i++) {
        LocalStack.awaitReady(apps.get(i), ports.get(i), Duration.ofMinutes(2));
      }
      ChildJvm app = apps.get(0); // native memory tracking looks at the first one
      List<Long> pids = apps.stream().map(ChildJvm::pid).toList();

      ScheduledExecutorService swapper = Executors.newSingleThreadScheduledExecutor();
      Path served = model;
      if (swapEverySeconds > 0) {
        swapper.scheduleAtFixedRate(
            () -> publish(served, bs), swapEverySeconds, swapEverySeconds, TimeUnit.SECONDS);
      }
      // the load follows the app's value format (--set value.format=confluent and
      // --set schema.registry.url=...): images written, predictions read, as the app does
      ValueCodecs codecs = ValueCodecs.of(ValueFormats.from(settingsAsProperties(settings)));
      try (PredictionTracker tracker =
              new PredictionTracker(
                      stack.clientProps(),
                      stack.topics().predictions(),
                      stack.topics().deadLetters(),
                      run,
                      codecs.serde(stack.topics().predictions(), ContractSerdes.prediction()))
                  .start();
          ImageEventSource source =
              new ImageEventSource(stack.clientProps(), stack.topics().images(), "bench", codecs)) {
        long sendStart = System.nanoTime();
        long warmupEnd = sendStart + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = warmupEnd + TimeUnit.SECONDS.toNanos(durationSeconds);
        long[] atWarmup = new long[2];
        ProcessStats[] statsAtWarmup = new ProcessStats[1];
        Instant[] warmupEndedAt = new Instant[1];
        // RSS sampled every 5 s after warm-up: a leak shows as growth across the run
        List<Long> rssSamples = new java.util.concurrent.CopyOnWriteArrayList<>(); // bytes
        swapper.scheduleAtFixedRate(
            () -> {
              if (System.nanoTime() >= warmupEnd) {
                rssSamples.add(ProcessStats.ofAll(pids).rssBytes());
              }
            },
            5,
            5,
            TimeUnit.SECONDS);
        long sent =
            source.send(
                test,
                run,
                Long.MAX_VALUE,
                rate,
                () -> System.nanoTime() >= end,
                n -> {
                  if (statsAtWarmup[0] == null && System.nanoTime() >= warmupEnd) {
                    statsAtWarmup[0] = ProcessStats.ofAll(pids);
                    warmupEndedAt[0] = Instant.now();
                    atWarmup[0] = n;
                    atWarmup[1] = tracker.snapshot().predictions();
                    tracker.resetLatency();
                    tracker.resetMaxGap();
                    if (nativeMemoryTracking) {
                      jcmd(app.pid(), "VM.native_memory", "baseline");
                    }
                  }
                });
        long measuredNanos = System.nanoTime() - warmupEnd;
        PredictionTracker.Snapshot atEnd = tracker.snapshot();
        ProcessStats endStats = ProcessStats.ofAll(pids);
        if (nativeMemoryTracking) {
          System.out.println(jcmd(app.pid(), "VM.native_memory", "summary.diff", "scale=MB"));
          System.out.println(jcmd(app.pid(), "GC.heap_info"));
        }
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        PredictionTracker.Snapshot s = atEnd;
        while (System.nanoTime() < drainDeadline && s.predictions() + s.deadLetters() < sent) {
          Thread.sleep(200);
          s = tracker.snapshot();
        }
        swapper.shutdown(); // a publish under way finishes: interrupting it only makes noise
        if (!swapper.awaitTermination(60, TimeUnit.SECONDS)) {
          swapper.shutdownNow();
        }
        ProcessStats start = statsAtWarmup[0] == null ? endStats : statsAtWarmup[0];
        Histogram latency = s.latencyMicros();
        PredictionTracker.ServingGaps gaps = tracker.servingGaps(SWAP_WINDOW_MILLIS);
        Report f =
            new Report(
                Instant.now().toString(),
                guarantee,
                rate,
                durationSeconds,
                sent,
                s.predictions(),
                s.duplicates(),
                s.deadLetters(),
                (atEnd.predictions() - atWarmup[1]) / (measuredNanos / 1e9),
                instances,
                Report.LatencyMs.of(latency),
                s.maxGapMillis(),
                tracker.longestEventTimeGap(),
                gaps.swaps(),
                Report.ServingGapMs.of(gaps),
                100.0 * (endStats.cpuMillis() - start.cpuMillis()) / (measuredNanos / 1e6),
                (double) (endStats.cpuMillis() - start.cpuMillis())
                    / Math.max(1, atEnd.predictions() - atWarmup[1]),
                swapEverySeconds > 0
                    ? Convergence.fetch(
                        ports, warmupEndedAt[0] == null ? Instant.EPOCH : warmupEndedAt[0])
                    : null,
                start.rssBytes(),
                endStats.rssBytes(),
                rssSamples.stream().mapToLong(Long::longValue).min().orElse(endStats.rssBytes()),
                Math.max(
                    rssSamples.stream().mapToLong(Long::longValue).max().orElse(0),
                    endStats.rssBytes()),
                rssSamples.stream().map(b -> b >> 20).toList());
        System.out.println(f.table());
        if (json != null) {
          Files.writeString(json, f.json(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return s.predictions() + s.deadLetters() == sent ? 0 : 1;
      }
    }
  }

  /** Runs the JDK's jcmd (next to this JVM's java) against {@code pid}; returns its output. */
  private static String jcmd(long pid, String... command) {
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Path jcmd = java.resolveSibling("jcmd");
    List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
    cmd.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "jcmd failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "jcmd interrupted";
    }
  }

  private static int publish(Path model, String bs) {
    return TrainerCli.execute(
        "publish", "--model-dir", model.toString(), "--bootstrap-servers", bs);
  }

  /**
   * The figures of one run: printed as a table, and written as one JSON line (appended to {@code
   * --json FILE}) whose field names are stable.
   */
  record Report(
      String at,
      String guarantee,
      double targetRate,
      int seconds,
      long sent,
      long predictions,
      long duplicates,
      long deadLetters,
      double sustainedPerSecond,
      int instances,
      LatencyMs latencyMs,
      long longestGapMs,
      long generatorPauseMs,
      long swaps,
      ServingGapMs servingGapMs,
      double appCpuPercent,
      double appCpuMillisPerEvent,
      Convergence convergenceMs,
      long rssStartBytes,
      long rssEndBytes,
      long rssMinBytes,
      long rssMaxBytes,
      List<Long> rssEvery5sMiB) {

    /** End-to-end latency percentiles, ms. */
    record LatencyMs(double p50, double p95, double p99, double max) {
      static LatencyMs of(Histogram micros) {
        return new LatencyMs(
            micros.getValueAtPercentile(50) / 1000.0,
            micros.getValueAtPercentile(95) / 1000.0,
            micros.getValueAtPercentile(99) / 1000.0,
            micros.getMaxValue() / 1000.0);
      }
    }

    /** Longest gaps between predictions made, in windows around swaps and away from them, ms. */
    record ServingGapMs(
        long swapMedian, long swapMax, int awayWindows, long awayMedian, long awayMax) {
      static ServingGapMs of(PredictionTracker.ServingGaps gaps) {
        return new ServingGapMs(
            ServingGaps.median(gaps.nearSwaps()),
            ServingGaps.max(gaps.nearSwaps()),
            gaps.awayFromSwaps().size(),
            ServingGaps.median(gaps.awayFromSwaps()),
            ServingGaps.max(gaps.awayFromSwaps()));
      }
    }

    String json() {
      return JsonCodec.write(this) + System.lineSeparator();
    }

    String table() {
      return String.format(
          Locale.ROOT,
          """
          guarantee            %s
          target rate          %s events/s
          measured             %d s
          events sent          %d
          predictions          %d (duplicates %d)
          dead letters         %d
          sustained            %.0f predictions/s
          latency p50/p95/p99  %.1f / %.1f / %.1f ms (max %.1f ms)
          longest gap          %d ms between two prediction arrivals (the load generator's
                               longest pause between two events: %d ms)
          serving gap          longest gap between predictions made, per %d s window:
                               %d swap windows: median %d ms, max %d ms
                               %d windows away from swaps: median %d ms, max %d ms
          instances            %d
          app CPU              %.0f%% of one core, %.3f ms per event (every instance, GC and JIT
                               included)
          app RSS              %d MiB at warm-up end, %d MiB at end (min %d, max %d after warm-up)
          rollout convergence  %s
          """,
          guarantee,
          targetRate == 0 ? "flat out" : String.format(Locale.ROOT, "%.0f", targetRate),
          seconds,
          sent,
          predictions,
          duplicates,
          deadLetters,
          sustainedPerSecond,
          latencyMs.p50(),
          latencyMs.p95(),
          latencyMs.p99(),
          latencyMs.max(),
          longestGapMs,
          generatorPauseMs,
          2 * SWAP_WINDOW_MILLIS / 1000,
          swaps,
          servingGapMs.swapMedian(),
          servingGapMs.swapMax(),
          servingGapMs.awayWindows(),
          servingGapMs.awayMedian(),
          servingGapMs.awayMax(),
          instances,
          appCpuPercent,
          appCpuMillisPerEvent,
          rssStartBytes >> 20,
          rssEndBytes >> 20,
          rssMinBytes >> 20,
          rssMaxBytes >> 20,
          convergenceMs == null ? "no swaps" : convergenceMs.describe());
    }
  }

  /** The {@code --set key=value} settings as properties (a malformed one is left to the app). */
  static Properties settingsAsProperties(List<String> settings) {
    Properties props = new Properties();
    for (String setting : settings) {
      int eq = setting.indexOf('=');
      if (eq > 0) {
        props.setProperty(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
      }
    }
    return props;
  }
}
