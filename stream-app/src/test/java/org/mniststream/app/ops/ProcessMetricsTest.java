package org.mniststream.app.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessMetricsTest {

  @Test
  void shouldExposeTheResidentSetSizeNextToTheJvmMemoryPools() {
    assumeThat(Files.isReadable(Path.of("/proc/self/status"))).as("Linux /proc").isTrue();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (ProcessMetrics metrics = new ProcessMetrics()) {
      metrics.bindTo(registry);

      double rss = registry.get("process.resident.memory").gauge().value();
      double heapUsed =
          registry.get("jvm.memory.used").tag("area", "heap").gauges().stream()
              .mapToDouble(g -> g.value())
              .sum();
      assertThat(heapUsed).isPositive();
      // the resident set holds at least the heap in use (and the JVM's and libraries' own memory)
      assertThat(rss).isGreaterThan(heapUsed / 2).isLessThan(64L << 30);
      assertThat(registry.find("jvm.gc.memory.allocated").counter()).as("GC meters").isNotNull();
    }
  }
}
