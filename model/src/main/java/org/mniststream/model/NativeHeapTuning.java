package org.mniststream.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops glibc from handing libtorch's activation memory back to the kernel after every batch.
 *
 * <p>Why: each forward pass allocates a few MB of activations (CNN_V1's first conv output is 5.5 MB
 * for 64 images) and frees them at the end of the call. With glibc's defaults a thread's arena then
 * trims its free top with {@code madvise(MADV_DONTNEED)}, so the next batch page-faults every page
 * back in and the kernel zeroes it: in perf, {@code clear_page_erms}, {@code exc_page_fault} and
 * friends, several times slower than with the memory kept mapped (docs/BENCHMARKS.md). Raising
 * glibc's trim threshold (and pinning the mmap threshold at its maximum, so that setting one does
 * not drop the other to its 128 KB default) keeps a thread's activation memory mapped between
 * batches. The cost is that each arena keeps up to {@link #TRIM_THRESHOLD} of free memory instead
 * of returning it.
 *
 * <p>The trim threshold does not cover a second case: a thread other than the process's first uses
 * a non-main arena made of heaps of at most 64 MB, and when a batch's arrays do not fit in the
 * arena's current heap glibc maps a new heap for them and deletes it again on free unless the
 * previous heap has {@code M_TOP_PAD} of room. A training step (about 11 MB for the first conv
 * layer's output at batch 128, tens of MB in all) did exactly that once per batch: an mmap, an
 * mprotect of 11 MB and a munmap per step, 0.5-0.9 million page faults and a sys time of 10-17 % of
 * the user time over 150 batches (docs/BENCHMARKS.md, "Training"). A top pad of {@link #TOP_PAD}
 * (the heap size) keeps such heaps; it only reserves address space, pages cost memory once touched.
 *
 * <p>The same settings can be given as the environment variables {@code MALLOC_TRIM_THRESHOLD_},
 * {@code MALLOC_MMAP_THRESHOLD_} and {@code MALLOC_TOP_PAD_}; when any is set, or on anything but
 * Linux/glibc, or with {@code -Dmniststream.malloc.tune=false}, this does nothing. JNA is DJL's own
 * dependency.
 */
final class NativeHeapTuning {
  static final String PROPERTY = "mniststream.malloc.tune";

  /** glibc's ceiling for M_MMAP_THRESHOLD on 64-bit (HEAP_MAX_SIZE / 2). */
  static final int MMAP_THRESHOLD = 32 << 20;

  static final int TRIM_THRESHOLD = 128 << 20;

  /** glibc's non-main arena heap size on 64-bit (HEAP_MAX_SIZE). */
  static final int TOP_PAD = 64 << 20;

  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_TOP_PAD = -2;
  private static final int M_MMAP_THRESHOLD = -3;
  private static final Logger LOG = LoggerFactory.getLogger(NativeHeapTuning.class);

  private NativeHeapTuning() {}

  /** The glibc entry point this class needs. */
  interface CLibrary extends Library {
    int mallopt(int param, int value);
  }

  /** Sets the thresholds and the top pad (idempotent); true when glibc accepted them. */
  static boolean apply() {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
        || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
        || System.getenv("MALLOC_TRIM_THRESHOLD_") != null
        || System.getenv("MALLOC_MMAP_THRESHOLD_") != null
        || System.getenv("MALLOC_TOP_PAD_") != null) {
      return false;
    }
    try {
      CLibrary c = Native.load("c", CLibrary.class);
      boolean ok =
          c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
              && c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
              && c.mallopt(M_TOP_PAD, TOP_PAD) == 1;
      LOG.debug("glibc malloc thresholds and top pad set: {}", ok);
      return ok;
    } catch (LinkageError | RuntimeException e) {
      // not glibc (musl has no mallopt thresholds) or no JNA: serving works, just slower
      LOG.info("glibc malloc thresholds not set ({}); see docs/BENCHMARKS.md", e.toString());
      return false;
    }
  }
}
