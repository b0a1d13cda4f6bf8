package org.mniststream.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import org.mniststream.model.Architecture;
import org.mniststream.model.EngineTuning;
import org.mniststream.model.LoadedModel;

/**
 * Does a {@link LoadedModel#warmUp} on one thread warm the others? Run in a fresh JVM each time:
 * {@code ColdStartProbe <none|same|other> [batch] [calls]}. After {@code EngineTuning.apply()} and
 * loading the model, {@code none} does no warm-up; {@code same} warms on the measuring thread;
 * {@code other} warms on a separate thread (the registry's loader) and joins it. Then one thread (a
 * stand-in for a stream thread: a new thread in {@code none} and {@code other}) times its first
 * {@code calls} forward passes at {@code batch} and prints them in milliseconds, first call first.
 * The app's warm-up is 3 rounds at batch sizes 1, 8 and 64 (docs/BENCHMARKS.md, "Cold start").
 */
public final class ColdStartProbe {
  private ColdStartProbe() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "none";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int calls = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    EngineTuning.apply();
    try (LoadedModel model =
        LoadedModel.load(InferenceBenchmark.benchmarkModel(), Architecture.CNN_V1)) {
      float[] input =
          MnistLikeInputs.batch(model.normalizer(), batch, InferenceBenchmark.INPUT_SEED);
      long warmNanos = 0;
      double[] ms = new double[calls];
      Runnable measure =
          () -> {
            for (int i = 0; i < calls; i++) {
              long t = System.nanoTime();
              model.predict(input, batch);
              ms[i] = (System.nanoTime() - t) / 1e6;
            }
          };
      switch (mode) {
        case "none" -> runOnNewThread(measure);
        case "same" -> {
          warmNanos = model.warmUp(3, 1, 8, 64);
          measure.run();
        }
        case "other" -> {
          long[] took = new long[1];
          runOnNewThread(() -> took[0] = model.warmUp(3, 1, 8, 64));
          warmNanos = took[0];
          runOnNewThread(measure);
        }
        default -> throw new IllegalArgumentException("mode: none, same or other");
      }
      double[] rest = Arrays.copyOfRange(ms, calls / 2, calls);
      Arrays.sort(rest);
      System.out.printf(
          Locale.ROOT,
          "%s batch %d: warm-up %.0f ms; first %.1f ms, second %.1f ms, third %.1f ms,"
              + " median of the second half %.1f ms; all: %s%n",
          mode,
          batch,
          warmNanos / 1e6,
          ms[0],
          ms[1],
          ms[2],
          rest[rest.length / 2],
          Arrays.toString(Arrays.stream(ms).map(v -> Math.round(v * 10) / 10.0).toArray()));
    }
  }

  private static void runOnNewThread(Runnable r) throws InterruptedException {
    Thread t = new Thread(r, "probe");
    t.start();
    t.join();
  }
}
