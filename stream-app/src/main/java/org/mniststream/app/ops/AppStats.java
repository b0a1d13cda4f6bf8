package org.mniststream.app.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code /stats} document: the few figures of {@link AppMetrics} that the dashboard shows per
 * instance, as JSON, so it needs no Prometheus text parser ({@code /metrics} stays for Prometheus).
 * Counts since the process started; the reader derives rates from two of them.
 *
 * @param eventsIn image events received by the classifier
 * @param predictionsByRoute predictions emitted, by route (ACTIVE, CANARY, SHADOW, BASELINE), every
 *     version
 * @param deadLetters dead letters emitted, every reason
 * @param swaps changes of the serving routes
 * @param meanBatchSize events per forward pass, null before the first one
 */
public record AppStats(
    long eventsIn,
    Map<String, Long> predictionsByRoute,
    long deadLetters,
    long swaps,
    Double meanBatchSize) {

  public AppStats {
    predictionsByRoute = Collections.unmodifiableMap(new TreeMap<>(predictionsByRoute));
  }

  /** The figures of the meters {@link AppMetrics} registered in {@code registry}. */
  public static AppStats of(MeterRegistry registry) {
    Map<String, Long> byRoute = new TreeMap<>();
    for (Counter c : registry.find(AppMetrics.PREDICTIONS).counters()) {
      byRoute.merge(c.getId().getTag("route"), Math.round(c.count()), Long::sum);
    }
    DistributionSummary batches = registry.find(AppMetrics.BATCH_SIZE).summary();
    return new AppStats(
        count(registry, AppMetrics.EVENTS_IN),
        byRoute,
        count(registry, AppMetrics.DEAD_LETTERS),
        count(registry, AppMetrics.SWAPS),
        batches == null || batches.count() == 0 ? null : batches.mean());
  }

  private static long count(MeterRegistry registry, String name) {
    return Math.round(registry.find(name).counters().stream().mapToDouble(Counter::count).sum());
  }
}
