package org.mniststream.app.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.Route;

/**
 * The app's own meters, by name (Prometheus adds {@code _total}, {@code _seconds}...):
 *
 * <ul>
 *   <li>{@code mnist.events.in}: image events received by the classifier;
 *   <li>{@code mnist.predictions{route,version}}: predictions emitted (ACTIVE and CANARY on the
 *       predictions topic, SHADOW and BASELINE on the shadow topic);
 *   <li>{@code mnist.dead.letters{reason}}: dead letters emitted; with the above, {@code events.in
 *       = predictions{route ACTIVE or CANARY} + dead.letters} once the buffers are flushed;
 *   <li>{@code mnist.review.requests}: predictions also sent to the review topic (confidence below
 *       {@code review.confidence-threshold}), not counted again in the balance above;
 *   <li>{@code mnist.inference.batch.size} and {@code mnist.inference.latency}: events per forward
 *       pass and time of one forward pass (normalization included), as histograms;
 *   <li>{@code mnist.event.latency}: receive-to-prediction time of each event (batch wait
 *       included), as a histogram;
 *   <li>{@code mnist.model.swaps}, {@code mnist.model.refusals{reason}}, and the gauges {@code
 *       mnist.model.version{route}} registered by the model registry.
 * </ul>
 *
 * Thread-safe (Micrometer meters are).
 */
public final class AppMetrics {
  static final String EVENTS_IN = "mnist.events.in";
  static final String PREDICTIONS = "mnist.predictions";
  static final String DEAD_LETTERS = "mnist.dead.letters";
  static final String BATCH_SIZE = "mnist.inference.batch.size";
  static final String SWAPS = "mnist.model.swaps";
  static final String REVIEW_REQUESTS = "mnist.review.requests";

  private final MeterRegistry registry;
  private final Counter eventsIn;
  private final DistributionSummary batchSize;
  private final Timer inferenceLatency;
  private final Timer eventLatency;
  private final Timer rolloutConvergence;
  private final Counter swaps;
  private final Counter reviewRequests;
  private final Map<RouteVersion, Counter> predictionCounters = new ConcurrentHashMap<>();

  public AppMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.eventsIn =
        Counter.builder(EVENTS_IN)
            .description("Image events received by the classifier")
            .register(registry);
    this.batchSize =
        DistributionSummary.builder(BATCH_SIZE)
            .description("Events classified per forward pass")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
            .register(registry);
    this.inferenceLatency =
        Timer.builder("mnist.inference.latency")
            .description("Time of one forward pass, normalization included")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    this.eventLatency =
        Timer.builder("mnist.event.latency")
            .description("From receiving an event to its prediction, batch wait included")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
    this.rolloutConvergence =
        Timer.builder("mnist.rollout.convergence")
            .description(
                "From a models/rollouts record's timestamp until this instance serves its routes")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(60))
            .register(registry);
    this.swaps =
        Counter.builder(SWAPS)
            .description("Changes of the serving routes (active, canary, shadow)")
            .register(registry);
    this.reviewRequests =
        Counter.builder(REVIEW_REQUESTS)
            .description("Predictions also sent to the review topic for a person to label")
            .register(registry);
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLetterCounter(reason); // every reason shows up at 0, so alerts need no absent() rules
    }
  }

  /** Meters that go nowhere, for tests that do not look at them. */
  public static AppMetrics discarding() {
    return new AppMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void eventIn() {
    eventsIn.increment();
  }

  public void predictions(Route route, long version, int count) {
    // looked up once per route and version: this runs for every batch, and a builder, its tags and
    // the registry's lookup cost more than the increment
    predictionCounters
        .computeIfAbsent(new RouteVersion(route, version), this::predictionCounter)
        .increment(count);
  }

  private Counter predictionCounter(RouteVersion key) {
    return Counter.builder(PREDICTIONS)
        .description("Predictions emitted, by route and model version")
        .tag("route", key.route().name())
        .tag("version", Long.toString(key.version()))
        .register(registry);
  }

  private record RouteVersion(Route route, long version) {}

  public void deadLetter(DeadLetterReason reason) {
    deadLetterCounter(reason).increment();
  }

  public void reviewRequests(int count) {
    reviewRequests.increment(count);
  }

  public void batch(int size, long nanos) {
    batchSize.record(size);
    inferenceLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void eventLatency(long micros) {
    eventLatency.record(Math.max(0, micros), TimeUnit.MICROSECONDS);
  }

  public void modelSwap() {
    swaps.increment();
  }

  /**
   * From a models or rollouts record's Kafka timestamp until this instance serves the routes it
   * made: the rollout's convergence on this instance (across machines, clock skew included).
   */
  public void rolloutConvergence(Duration sincePublished) {
    rolloutConvergence.record(sincePublished.isNegative() ? Duration.ZERO : sincePublished);
  }

  public void modelRefused(String reason) {
    Counter.builder("mnist.model.refusals")
        .description("Model versions refused, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  private Counter deadLetterCounter(DeadLetterReason reason) {
    return Counter.builder(DEAD_LETTERS)
        .description("Dead letters emitted, by reason")
        .tag("reason", reason.name())
        .register(registry);
  }
}
