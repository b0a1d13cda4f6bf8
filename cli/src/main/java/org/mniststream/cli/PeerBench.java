package org.mniststream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.mniststream.cli.SideBySide.Run;
import org.mniststream.cli.SideBySide.Side;
import org.mniststream.cli.SideBySide.Spread;
import org.mniststream.cli.SideBySide.Variant;
import org.mniststream.cli.naive.NaivePeerLauncher;
import org.mniststream.cli.naive.NaivePeerMain;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.topics.TopicReader;
import org.mniststream.trainer.data.IdxDataset;

/**
 * {@code bench --compare naive}, {@code bench --variant ...} and {@code bench --backlog N}: the
 * product (as one or more variants of its settings) and (with {@code --compare naive}) the naive
 * peer ({@link org.mniststream.cli.naive.NaivePeerTopology}) measured alternately in one
 * invocation, on one broker, with one model and the same events, so that their ratios hold even
 * where the absolute figures of this shared machine swing from day to day.
 *
 * <p>Every run gets its own image, prediction and dead-letter topics (and a fresh application id),
 * so no run sees another's records; the prediction topics keep the broker's append time ({@code
 * message.timestamp.type=LogAppendTime}), which the backlog drain is measured with. A backlog is
 * queued once, before any app runs, and every run drains that same topic from its beginning.
 */
final class PeerBench {
  /**
   * Flat out, the generator stays at most this many events ahead of the outputs: the app never
   * starves (the product classifies it in a few seconds), and the run can still account for every
   * event at its end instead of leaving millions queued.
   */
  static final long FLAT_OUT_MAX_IN_FLIGHT = 5_000;

  /** How long a steady run waits, after the generator stopped, for the last outputs. */
  private static final Duration STEADY_DRAIN_TIMEOUT = Duration.ofSeconds(120);

  private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private final BenchCommand o;
  private final Path work;
  private final LocalStack stack;
  private final Path model;
  private final IdxDataset test;

  PeerBench(BenchCommand options, Path work, LocalStack stack, Path model, IdxDataset test) {
    this.o = options;
    this.work = work;
    this.stack = stack;
    this.model = model;
    this.test = test;
  }

  /** The sides to run, in the order they alternate. */
  private List<Side> sides() {
    return o.compare == null ? List.of(Side.PRODUCT) : List.of(Side.PRODUCT, Side.NAIVE);
  }

  /**
   * Who runs in a steady comparison: the product (once per {@code --variant}, with its settings
   * after {@code --set}'s), then the naive peer with {@code --compare naive}.
   */
  private record Contender(Side side, Variant variant) {
    String label() {
      return variant == null ? side.label() : variant.name();
    }

    List<String> settings() {
      return variant == null ? List.of() : variant.settings();
    }
  }

  private List<Contender> contenders() {
    List<Contender> contenders = new ArrayList<>();
    List<Variant> variants = Variant.parseAll(o.variants);
    if (variants.isEmpty()) {
      contenders.add(new Contender(Side.PRODUCT, null));
    }
    variants.forEach(v -> contenders.add(new Contender(Side.PRODUCT, v)));
    if (o.compare != null) {
      contenders.add(new Contender(Side.NAIVE, null));
    }
    return contenders;
  }

  /** Alternating runs at {@code --rate}; prints the table; 0 when every event was accounted for. */
  int compareSteady() throws Exception {
    List<Run> runs = new ArrayList<>();
    List<Contender> contenders = contenders();
    for (int i = 1; i <= o.runs; i++) {
      for (Contender contender : contenders) {
        Run run = steady(contender, i);
        runs.add(run);
        System.out.printf(
            Locale.ROOT,
            "%s run %d: %.0f events/s, p99 %.1f ms, %.3f ms CPU/event%n",
            contender.label(),
            i,
            run.throughput(),
            run.p99Ms(),
            run.cpuMsPerEvent());
        appendJson(run);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nguarantee %s, target rate %s, %d s warm-up + %d s measured per run%n",
        o.guarantee,
        o.rate == 0 ? "flat out" : String.format(Locale.ROOT, "%.0f events/s", o.rate),
        o.warmupSeconds,
        o.durationSeconds);
    contenders.stream()
        .filter(c -> c.variant() != null)
        .forEach(c -> System.out.printf(Locale.ROOT, "variant %s%n", c.variant().describe()));
    System.out.print(SideBySide.table(runs));
    return runs.stream().allMatch(Run::accounted) ? 0 : 1;
  }

  private Run steady(Contender contender, int index) throws Exception {
    Side side = contender.side();
    String id = "bench-" + contender.label() + index + "-" + shortId();
    TopicNames names = runTopics(id, null);
    createTopics(names);
    try (ChildJvm app = start(side, contender.settings(), id, names);
        PredictionTracker tracker =
            new PredictionTracker(stack.clientProps(), names.predictions(), names.deadLetters(), id)
                .start();
        ImageEventSource source =
            new ImageEventSource(stack.clientProps(), names.images(), "bench")) {
      long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.warmupSeconds);
      long end = warmupEnd + TimeUnit.SECONDS.toNanos(o.durationSeconds);
      ProcessStats[] atWarmup = new ProcessStats[1];
      long[] predictionsAtWarmup = new long[1];
      long sent =
          source.send(
              test,
              id,
              Long.MAX_VALUE,
              o.rate,
              () -> System.nanoTime() >= end,
              n -> {
                if (atWarmup[0] == null && System.nanoTime() >= warmupEnd) {
                  atWarmup[0] = ProcessStats.of(app.pid());
                  predictionsAtWarmup[0] = tracker.snapshot().predictions();
                  tracker.resetLatency();
                }
                if (o.rate == 0 && n % 1_000 == 0) {
                  holdBack(n, tracker, end);
                }
              });
      long measuredNanos = System.nanoTime() - warmupEnd;
      long predictionsAtEnd = tracker.snapshot().predictions();
      ProcessStats endStats = ProcessStats.of(app.pid());
      double meanBatch = side == Side.PRODUCT ? meanBatchSize(o.httpPort) : Double.NaN;
      long expected = sent - source.failed();
      awaitAccounted(tracker, expected, STEADY_DRAIN_TIMEOUT, app, true);
      reportExit(app, contender.label(), index);
      PredictionTracker.Snapshot s = tracker.snapshot();
      ProcessStats start = atWarmup[0] == null ? endStats : atWarmup[0];
      long measured = Math.max(1, predictionsAtEnd - predictionsAtWarmup[0]);
      BenchCommand.Report.LatencyMs latency = BenchCommand.Report.LatencyMs.of(s.latencyMicros());
      return new Run(
          side,
          contender.variant() == null ? "" : contender.variant().name(),
          index,
          expected,
          s.predictions(),
          s.duplicates(),
          s.deadLetters(),
          (predictionsAtEnd - predictionsAtWarmup[0]) / (measuredNanos / 1e9),
          latency.p50(),
          latency.p99(),
          cpuPerEvent(start, endStats, measured),
          meanBatch);
    }
  }

  /** The product's events per forward pass since it started ({@code /stats}); NaN if unknown. */
  static double meanBatchSize(int httpPort) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest stats =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/stats"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      JsonNode mean =
          JsonCodec.readTree(http.send(stats, HttpResponse.BodyHandlers.ofString()).body())
              .get("meanBatchSize");
      return mean == null || !mean.isNumber() ? Double.NaN : mean.doubleValue();
    } catch (IOException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  /** CPU ms per event between two readings; NaN when either failed (the process was gone). */
  static double cpuPerEvent(ProcessStats from, ProcessStats to, long events) {
    return from.cpuMillis() < 0 || to.cpuMillis() < 0
        ? Double.NaN
        : (double) (to.cpuMillis() - from.cpuMillis()) / Math.max(1, events);
  }

  /** An app that died during its run says so, with the end of its log: its figures are partial. */
  private static void reportExit(ChildJvm app, String label, int index) {
    if (!app.isAlive()) {
      System.out.printf(
          Locale.ROOT,
          "%s run %d: the app exited (code %d) before the end; its log ends:%n%s%n",
          label,
          index,
          app.exitValue(),
          app.logTail(15));
    }
  }

  /** Flat out: waits while the generator is more than {@link #FLAT_OUT_MAX_IN_FLIGHT} ahead. */
  private static void holdBack(long sent, PredictionTracker tracker, long endNanos) {
    while (sent - tracker.accounted() > FLAT_OUT_MAX_IN_FLIGHT && System.nanoTime() < endNanos) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** One backlog queued with no app running, then drained by each side in turn. */
  int backlog() throws Exception {
    String id = "backlog-" + shortId();
    String images = TopicNames.DEFAULTS.images() + "." + id;
    createTopics(runTopics(id, images));
    long queued;
    long startNanos = System.nanoTime();
    try (ImageEventSource source = new ImageEventSource(stack.clientProps(), images, "bench")) {
      long sent = source.send(test, id, o.backlog, 0, () -> false, n -> {});
      queued = sent - source.failed();
    }
    System.out.printf(
        Locale.ROOT,
        "queued %d events on %s in %.1f s, no app running%n",
        queued,
        images,
        (System.nanoTime() - startNanos) / 1e9);
    List<BacklogRun> runs = new ArrayList<>();
    for (int i = 1; i <= o.runs; i++) {
      for (Side side : sides()) {
        BacklogRun run = drain(side, i, id, images, queued);
        runs.add(run);
        System.out.printf(
            Locale.ROOT, "%s drain %d: %s%n", side.label(), i, run.curve().describe());
        appendJson(run);
      }
    }
    System.out.print(backlogTable(o.guarantee, queued, runs));
    return runs.stream().allMatch(BacklogRun::accounted) ? 0 : 1;
  }

  private BacklogRun drain(Side side, int index, String backlogId, String images, long queued)
      throws Exception {
    String id = backlogId + "-" + side.label() + index;
    TopicNames names = runTopics(id, images);
    createTopics(names);
    PredictionTracker.Snapshot s;
    double cpu;
    long launchedAt = System.currentTimeMillis();
    long readyAt;
    try (PredictionTracker tracker =
            new PredictionTracker(
                    stack.clientProps(), names.predictions(), names.deadLetters(), backlogId)
                .start();
        ChildJvm app = start(side, List.of(), id, names)) {
      readyAt = System.currentTimeMillis();
      ProcessStats atReady = ProcessStats.of(app.pid());
      Duration limit =
          o.maxDrainSeconds > 0
              ? Duration.ofSeconds(o.maxDrainSeconds)
              // generous: a naive peer on a loaded machine manages a few dozen events a second
              : Duration.ofSeconds(120 + queued / 25);
      awaitAccounted(tracker, queued, limit, app, false);
      ProcessStats drained = ProcessStats.of(app.pid());
      reportExit(app, side.label(), index);
      s = tracker.snapshot();
      cpu = cpuPerEvent(atReady, drained, s.predictions());
    }
    DrainCurve curve = DrainCurve.of(appendTimes(names.predictions()));
    // the cold start before the curve: the app's start-up, then group join, assignment and the
    // first fetch (append times are the broker's clock, on this machine)
    System.out.printf(
        Locale.ROOT,
        "%s drain %d: launch to ready %.1f s, ready to first output %.1f s%n",
        side.label(),
        index,
        (readyAt - launchedAt) / 1e3,
        (curve.firstMillis() - readyAt) / 1e3);
    return new BacklogRun(side, index, queued, s.predictions(), s.deadLetters(), cpu, curve);
  }

  /**
   * One drain of the backlog. CPU per event is from /ready (or RUNNING) to the last output, or to
   * the {@code --max-drain-seconds} stop.
   */
  record BacklogRun(
      Side side,
      int index,
      long queued,
      long predictions,
      long deadLetters,
      double cpuMsPerEvent,
      DrainCurve curve) {
    boolean accounted() {
      return queued == predictions + deadLetters;
    }
  }

  static String backlogTable(String guarantee, long queued, List<BacklogRun> runs) {
    StringBuilder t = new StringBuilder();
    t.append(
        String.format(
            Locale.ROOT,
            "%nbacklog of %d events, %s; drain rate from the first to the last output record"
                + " (broker append times)%n",
            queued,
            guarantee));
    t.append(
        String.format(
            Locale.ROOT,
            "%-8s %3s %11s %8s %10s %14s %13s%n",
            "side",
            "run",
            "predictions",
            "dead",
            "events/s",
            "first 5 s (%)",
            "CPU ms/event"));
    for (BacklogRun r : runs) {
      t.append(
          String.format(
              Locale.ROOT,
              "%-8s %3d %11d %8d %10.0f %14s %13.3f%s%n",
              r.side().label(),
              r.index(),
              r.predictions(),
              r.deadLetters(),
              r.curve().ratePerSecond(),
              r.curve().coldStartColumn(),
              r.cpuMsPerEvent(),
              r.accounted()
                  ? ""
                  : SideBySide.unaccounted(r.queued() - r.predictions() - r.deadLetters())));
    }
    Map<Side, Spread> rates = new java.util.EnumMap<>(Side.class);
    for (Side side : Side.values()) {
      List<Double> values =
          runs.stream().filter(r -> r.side() == side).map(r -> r.curve().ratePerSecond()).toList();
      if (!values.isEmpty()) {
        Spread spread = Spread.of(values);
        rates.put(side, spread);
        t.append(
            String.format(
                Locale.ROOT,
                "%-8s median %.0f events/s (%.0f-%.0f)%n",
                side.label(),
                spread.median(),
                spread.min(),
                spread.max()));
      }
    }
    if (rates.size() == 2) {
      t.append(
          String.format(
              Locale.ROOT,
              "product/naive drain rate %.2fx%n",
              rates.get(Side.PRODUCT).median() / rates.get(Side.NAIVE).median()));
    }
    return t.toString();
  }

  /**
   * The topics of one run: its own images (unless {@code images} names a shared backlog),
   * predictions, shadow predictions, dead letters and review; the models and the rest shared.
   */
  static TopicNames runTopics(String id, String images) {
    TopicNames d = TopicNames.DEFAULTS;
    return new TopicNames(
        images != null ? images : d.images() + "." + id,
        d.predictions() + "." + id,
        d.shadowPredictions() + "." + id,
        d.models(),
        d.rollouts(),
        d.deadLetters() + "." + id,
        d.instances(),
        d.labels(),
        d.quality(),
        d.decisions(),
        d.review() + "." + id,
        d.trustedKeys());
  }

  private void createTopics(TopicNames names) throws Exception {
    TopicSetup.createAll(stack.clientProps(), names, partitions());
    try (Admin admin = Admin.create(stack.clientProps())) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, names.predictions());
      AlterConfigOp appendTime =
          new AlterConfigOp(
              new ConfigEntry(
                  TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, TimestampType.LOG_APPEND_TIME.name),
              AlterConfigOp.OpType.SET);
      admin
          .incrementalAlterConfigs(Map.of(topic, List.of(appendTime)))
          .all()
          .get(READ_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private int partitions() {
    return o.kafka.partitions;
  }

  /**
   * Starts one side on {@code names} with a fresh application id (the product with {@code
   * variant}'s settings last) and waits until it is ready.
   */
  private ChildJvm start(Side side, List<String> variant, String id, TopicNames names)
      throws InterruptedException {
    List<String> settings = new ArrayList<>();
    settings.add("application.id=mnist-" + id);
    settings.add("processing.guarantee=" + o.guarantee);
    if (side == Side.PRODUCT) {
      names.toProperties().forEach((k, v) -> settings.add(k + "=" + v));
      settings.addAll(o.settings);
      settings.addAll(variant);
      settings.add("http.advertised-host=127.0.0.1");
      ChildJvm app = stack.startApp(id, o.httpPort, settings, o.appJvmOptions);
      LocalStack.awaitReady(app, o.httpPort, READY_TIMEOUT);
      return app;
    }
    Path ready = work.resolve(id + ".ready");
    settings.add("bootstrap.servers=" + stack.bootstrapServers());
    settings.add("state.dir=" + work.resolve("streams-state-" + id));
    settings.add(TopicNames.IMAGES + "=" + names.images());
    settings.add(TopicNames.PREDICTIONS + "=" + names.predictions());
    settings.add(NaivePeerMain.MODEL_DIR + "=" + model.toAbsolutePath());
    settings.add(NaivePeerMain.READY_FILE + "=" + ready);
    ChildJvm app =
        NaivePeerLauncher.launch(id, settings, o.appJvmOptions, work.resolve(id + ".log"));
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!Files.exists(ready)) {
      if (!app.isAlive()) {
        throw new IllegalStateException(
            "the naive peer exited during start-up; its log: " + app.logFile());
      }
      if (System.nanoTime() - deadline > 0) {
        app.close();
        throw new IllegalStateException("the naive peer was not running within " + READY_TIMEOUT);
      }
      Thread.sleep(100);
    }
    return app;
  }

  /**
   * Waits until every expected event came out, or the app died, or the timeout passed; with {@code
   * giveUpEarly}, also once the rate of the last 10 s cannot finish before the timeout (a side that
   * fell behind the offered rate: its run is reported with what came out).
   */
  private static void awaitAccounted(
      PredictionTracker tracker, long expected, Duration timeout, ChildJvm app, boolean giveUpEarly)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long checkpoint = start;
    long atCheckpoint = tracker.accounted();
    while (tracker.accounted() < expected && System.nanoTime() - deadline < 0 && app.isAlive()) {
      Thread.sleep(200);
      long now = System.nanoTime();
      if (giveUpEarly && now - checkpoint >= TimeUnit.SECONDS.toNanos(10)) {
        long done = tracker.accounted();
        double perNano = (done - atCheckpoint) / (double) (now - checkpoint);
        if (perNano <= 0 || (expected - done) / perNano > deadline - now) {
          return;
        }
        checkpoint = now;
        atCheckpoint = done;
      }
    }
    Thread.sleep(500); // the tracker's last poll, so that late duplicates would be counted
  }

  /** The broker append times of every record on {@code topic}. */
  private long[] appendTimes(String topic) throws Exception {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(stack.clientProps(), "bench-drain"))) {
      List<ConsumerRecord<byte[], byte[]>> records =
          TopicReader.readAll(consumer, List.of(topic), READ_TIMEOUT);
      long[] times = new long[records.size()];
      for (int i = 0; i < times.length; i++) {
        ConsumerRecord<byte[], byte[]> r = records.get(i);
        if (r.timestampType() != TimestampType.LOG_APPEND_TIME) {
          throw new IllegalStateException(
              topic + " holds " + r.timestampType() + " timestamps, not the broker's append time");
        }
        times[i] = r.timestamp();
      }
      return times;
    }
  }

  private void appendJson(Object run) throws java.io.IOException {
    if (o.json != null) {
      Files.writeString(
          o.json,
          JsonCodec.write(run) + System.lineSeparator(),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
