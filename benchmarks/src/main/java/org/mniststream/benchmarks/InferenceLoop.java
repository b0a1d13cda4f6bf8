package org.mniststream.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.mniststream.model.Architecture;
import org.mniststream.model.EngineTuning;
import org.mniststream.model.LoadedModel;

/**
 * A plain loop over the product path for profilers (perf, JFR) that want a steady process rather
 * than a JMH harness: {@code InferenceLoop <batch> <seconds> [callerThreads]}. Prints images/s once
 * a second on stdout.
 */
public final class InferenceLoop {
  private InferenceLoop() {}

  public static void main(String[] args) throws Exception {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int callers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    EngineTuning.apply();
    try (LoadedModel model =
        LoadedModel.load(InferenceBenchmark.benchmarkModel(), Architecture.CNN_V1)) {
      float[] input =
          MnistLikeInputs.batch(model.normalizer(), batch, InferenceBenchmark.INPUT_SEED);
      AtomicLong images = new AtomicLong();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      Thread[] threads = new Thread[callers];
      for (int t = 0; t < callers; t++) {
        threads[t] =
            new Thread(
                () -> {
                  while (System.nanoTime() < end) {
                    model.predict(input, batch);
                    images.addAndGet(batch);
                  }
                },
                "caller-" + t);
        threads[t].start();
      }
      OperatingSystemMXBean os =
          (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long last = 0;
      long lastCpu = os.getProcessCpuTime();
      for (int s = 0; s < seconds; s++) {
        Thread.sleep(1000);
        long now = images.get();
        long cpu = os.getProcessCpuTime();
        // images per CPU-second: what one uncontended core would do, whatever else runs here
        System.out.printf(
            "%d images/s (%.0f per cpu-s)%n",
            now - last, (now - last) * 1e9 / Math.max(1, cpu - lastCpu));
        last = now;
        lastCpu = cpu;
      }
      for (Thread t : threads) {
        t.join();
      }
    }
  }
}
