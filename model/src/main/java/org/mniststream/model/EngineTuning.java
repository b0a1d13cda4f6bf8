package org.mniststream.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process-wide native settings for serving: one libtorch intra-op thread per calling thread, one
 * inter-op thread, and glibc malloc thresholds that keep activation memory mapped between batches
 * ({@link NativeHeapTuning}). Call {@link #apply()} once at start-up, before any thread runs a
 * tensor op: libtorch reads the intra-op setting into each thread on that thread's first op, and
 * the inter-op pool cannot change once used.
 *
 * <p>Why one: libtorch's default is an OpenMP team as wide as the machine for every op of every
 * calling thread. When the cores are busy (other stream threads, GC, a broker or a trainer on the
 * same box) each op's team waits at a barrier for a thread the OS has descheduled, and a forward
 * pass becomes many times slower (docs/BENCHMARKS.md, "OpenMP"). With one thread every op runs
 * inline on its caller, with no barrier and no spinning workers, and the parallelism comes from the
 * callers: give Kafka Streams up to one stream thread per core. See docs/BENCHMARKS.md.
 *
 * <p>The system properties {@code ai.djl.pytorch.num_threads} and {@code
 * ai.djl.pytorch.num_interop_threads}, when set, win (for a process with one inference thread and
 * otherwise idle cores, for example).
 */
public final class EngineTuning {
  public static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
  public static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

  private static final Logger LOG = LoggerFactory.getLogger(EngineTuning.class);

  private EngineTuning() {}

  /** Applies the serving settings and returns the intra-op thread count in effect. */
  public static int apply() {
    int threads = Integer.getInteger(NUM_THREADS, 1);
    if (threads < 1) {
      throw new IllegalArgumentException(NUM_THREADS + " must be >= 1, got " + threads);
    }
    // DJL applies both properties when it loads the engine, on the loading thread
    System.setProperty(NUM_THREADS, Integer.toString(threads));
    if (System.getProperty(NUM_INTEROP_THREADS) == null) {
      // eager DJL never schedules work on the inter-op pool: one thread there costs nothing
      System.setProperty(NUM_INTEROP_THREADS, "1");
    }
    boolean heapTuned = NativeHeapTuning.apply();
    Engine.getEngine("PyTorch");
    if (JniUtils.getNumThreads() != threads) {
      // the engine was already loaded with other settings: the intra-op count can still change
      JniUtils.setNumThreads(threads);
    }
    LOG.info(
        "libtorch threads: {} intra-op per calling thread, {} inter-op; malloc thresholds {}",
        JniUtils.getNumThreads(),
        JniUtils.getNumInteropThreads(),
        heapTuned ? "raised" : "left as they are");
    return JniUtils.getNumThreads();
  }
}
