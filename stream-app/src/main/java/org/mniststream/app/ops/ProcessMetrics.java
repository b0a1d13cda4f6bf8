package org.mniststream.app.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What an operator watches to tell a native leak from heap growth: the JVM's own meters (heap and
 * non-heap pools, GC pauses, threads, CPU) and the process's resident set size, which is where
 * native memory (libtorch tensors, glibc arenas) shows and the heap meters do not. RSS is read from
 * {@code /proc/self/status} (Linux); elsewhere the gauge reads NaN.
 */
public final class ProcessMetrics implements MeterBinder, AutoCloseable {
  private static final Path STATUS = Path.of("/proc/self/status");
  private final JvmGcMetrics gc = new JvmGcMetrics();

  @Override
  public void bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder("process.resident.memory", ProcessMetrics::residentBytes)
        .description("Resident set size of the process (heap, native memory, code)")
        .baseUnit("bytes")
        .register(registry);
  }

  /** The process's resident set size in bytes, NaN when {@code /proc} is not there. */
  static double residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024.0; // kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format: the gauge reports NaN
    }
    return Double.NaN;
  }

  @Override
  public void close() {
    gc.close();
  }
}
