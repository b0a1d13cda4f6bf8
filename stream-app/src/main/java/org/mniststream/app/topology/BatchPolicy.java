package org.mniststream.app.topology;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.mniststream.app.config.AppSettings;

/**
 * When {@link ClassifyProcessor} classifies its buffer: it asks after each buffered event and on
 * each wall-clock punctuation ({@link #tick()} apart), and reports how long each classified batch
 * took. One instance per processor (per task): it is not thread-safe, and it needs none.
 */
interface BatchPolicy {

  /** The most events classified in one batch. */
  int maxBatch();

  /** How often the processor's wall-clock punctuator asks {@link #ticked}. */
  Duration tick();

  /** An event was just buffered; {@code buffered} counts it. True: classify the buffer now. */
  boolean arrived(int buffered);

  /** The punctuator fired with {@code buffered} events waiting. True: classify the buffer now. */
  boolean ticked(int buffered);

  /**
   * A batch of {@code size} events took {@code nanos} to classify (every forward pass, the
   * predictions built and forwarded, the pending entries deleted).
   */
  void classified(int size, long nanos);

  /**
   * {@value AppSettings#BATCH_SIZE} and {@value AppSettings#BATCH_MAX_WAIT_MS} when no {@value
   * AppSettings#LATENCY_BUDGET_MS} is set, else {@link AdaptiveBatching} within that budget (and
   * {@value AppSettings#BATCH_SIZE} as its hard maximum), timed by {@code nanos}.
   */
  static BatchPolicy of(AppSettings settings, LongSupplier nanos) {
    return settings
        .latencyBudget()
        .<BatchPolicy>map(budget -> new AdaptiveBatching(budget, settings.batchSize(), nanos))
        .orElseGet(() -> new Fixed(settings.batchSize(), settings.batchMaxWait()));
  }

  /**
   * A full buffer is classified at once, and whatever is buffered every {@code maxWait}, however
   * long it has waited (so an event waits between 0 and {@code maxWait}, plus the thread's loop).
   */
  record Fixed(int maxBatch, Duration maxWait) implements BatchPolicy {
    @Override
    public Duration tick() {
      return maxWait;
    }

    @Override
    public boolean arrived(int buffered) {
      return buffered >= maxBatch;
    }

    @Override
    public boolean ticked(int buffered) {
      return true;
    }

    @Override
    public void classified(int size, long nanos) {}
  }
}
