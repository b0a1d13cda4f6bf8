package org.mniststream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

class NativeHeapTuningTest {

  @Test
  void shouldRaiseTheMallocThresholdsOnLinuxWithGlibc() {
    assumeTrue(
        isGlibc()
            && System.getenv("MALLOC_TRIM_THRESHOLD_") == null
            && System.getenv("MALLOC_MMAP_THRESHOLD_") == null,
        "needs Linux with glibc and no MALLOC_*_THRESHOLD_ in the environment");
    assertThat(NativeHeapTuning.apply()).isTrue();
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
