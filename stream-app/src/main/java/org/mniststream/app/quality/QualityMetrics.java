package org.mniststream.app.quality;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.mniststream.schemas.DeadLetterReason;

/**
 * The quality app's meters: what is counted outside the reports.
 *
 * <ul>
 *   <li>{@code mnist.quality.labels.unmatched}: labels of events that never had a prediction within
 *       the retention (unknown event ids, or labels more than twice the lateness away);
 *   <li>{@code mnist.quality.inputs.invalid{reason}}: predictions and labels dead-lettered;
 *   <li>{@code mnist.quality.reports}: reports published.
 * </ul>
 */
public final class QualityMetrics {
  static final String UNMATCHED = "mnist.quality.labels.unmatched";
  static final String INVALID = "mnist.quality.inputs.invalid";
  static final String REPORTS = "mnist.quality.reports";

  private final MeterRegistry registry;
  private final Counter unmatched;
  private final Counter reports;

  public QualityMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.unmatched =
        Counter.builder(UNMATCHED)
            .description("Labels whose event had no prediction within the retention")
            .register(registry);
    this.reports =
        Counter.builder(REPORTS).description("Quality reports published").register(registry);
  }

  public static QualityMetrics discarding() {
    return new QualityMetrics(new SimpleMeterRegistry());
  }

  void labelsUnmatched(int n) {
    unmatched.increment(n);
  }

  void invalid(DeadLetterReason reason) {
    Counter.builder(INVALID)
        .description("Predictions and labels the quality app dead-lettered, by reason")
        .tag("reason", reason.name())
        .register(registry)
        .increment();
  }

  void reportsPublished(int n) {
    reports.increment(n);
  }
}
