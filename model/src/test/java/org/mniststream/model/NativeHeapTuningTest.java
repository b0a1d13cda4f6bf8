package org.mniststream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class NativeHeapTuningTest {

  @Test
  void shouldRaiseTheMallocThresholdsOnLinuxWithGlibc() {
    assumeTrue(
        isGlibc()
            && System.getenv("MALLOC_TRIM_THRESHOLD_") == null
            && System.getenv("MALLOC_MMAP_THRESHOLD_") == null
            && System.getenv("MALLOC_TOP_PAD_") == null,
        "needs Linux with glibc and no MALLOC_*_THRESHOLD_ or MALLOC_TOP_PAD_ in the environment");
    assertThat(NativeHeapTuning.apply()).isTrue();
  }

  /**
   * The training step's pattern: a thread whose arena heap is nearly full allocates a block that
   * does not fit, touches it and frees it, batch after batch. Without the top pad glibc maps a new
   * heap for the block and deletes it on free, so every round faults all its pages in again.
   */
  @Test
  void shouldKeepASpilledHeapMappedBetweenRounds() throws InterruptedException {
    assumeTrue(
        isGlibc()
            && System.getenv("MALLOC_TRIM_THRESHOLD_") == null
            && System.getenv("MALLOC_MMAP_THRESHOLD_") == null
            && System.getenv("MALLOC_TOP_PAD_") == null,
        "needs Linux with glibc and no MALLOC_*_THRESHOLD_ or MALLOC_TOP_PAD_ in the environment");
    assertThat(NativeHeapTuning.apply()).isTrue();
    AtomicLong faultsAfterFirstRound = new AtomicLong(-1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                faultsAfterFirstRound.set(spillRounds());
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "heap-spill");
    worker.start();
    worker.join();
    assertThat(failure.get()).isNull();
    long block = 20L << 20;
    // 10 rounds of 20 MB would be 51,200 faults if the block's pages came back fresh each time
    assertThat(faultsAfterFirstRound.get()).isBetween(0L, block / 4096);
  }

  /** Minor page faults of this thread in rounds 2-11 of: malloc 20 MB, touch it, free it. */
  private static long spillRounds() {
    CLib c = Native.load("c", CLib.class);
    List<Pointer> filler = new ArrayList<>();
    try {
      // fill most of the arena's 64 MB heap with blocks that stay (a model's parameters, state)
      for (int i = 0; i < 48; i++) {
        Pointer p = c.malloc(1L << 20);
        c.memset(p, 1, 1L << 20);
        filler.add(p);
      }
      long block = 20L << 20;
      spillOnce(c, block);
      long before = minorFaults(c);
      for (int round = 0; round < 10; round++) {
        spillOnce(c, block);
      }
      return minorFaults(c) - before;
    } finally {
      filler.forEach(c::free);
    }
  }

  private static void spillOnce(CLib c, long bytes) {
    Pointer block = c.malloc(bytes);
    c.memset(block, 1, bytes);
    c.free(block);
  }

  private static long minorFaults(CLib c) {
    try (Memory usage = new Memory(256)) {
      assertThat(c.getrusage(RUSAGE_THREAD, usage)).isZero();
      // struct rusage: two struct timevals (16 bytes each), then longs; ru_minflt is the 5th
      return usage.getLong(32 + 4 * 8);
    }
  }

  private static final int RUSAGE_THREAD = 1;

  interface CLib extends Library {
    Pointer malloc(long size);

    void free(Pointer p);

    Pointer memset(Pointer p, int value, long size);

    int getrusage(int who, Pointer usage);
  }

  @Test
  void shouldLeaveMallocAloneWhenSwitchedOff() {
    String before = System.getProperty(NativeHeapTuning.PROPERTY);
    System.setProperty(NativeHeapTuning.PROPERTY, "false");
    try {
      assertThat(NativeHeapTuning.apply()).isFalse();
    } finally {
      if (before == null) {
        System.clearProperty(NativeHeapTuning.PROPERTY);
      } else {
        System.setProperty(NativeHeapTuning.PROPERTY, before);
      }
    }
  }

  interface Glibc extends Library {
    String gnu_get_libc_version();
  }

  private static boolean isGlibc() {
    if (!System.getProperty("os.name").startsWith("Linux")) {
      return false;
    }
    try {
      return Native.load("c", Glibc.class).gnu_get_libc_version() != null;
    } catch (LinkageError e) {
      return false;
    }
  }
}
