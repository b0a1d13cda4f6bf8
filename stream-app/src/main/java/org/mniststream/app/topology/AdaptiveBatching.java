package org.mniststream.app.topology;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Batches as large as a latency budget allows: the oldest buffered event's wait plus the predicted
 * cost of classifying the batch stays within {@code budget}, and no batch holds more than {@code
 * maxBatch} events ({@code inference.latency-budget-ms} and {@code inference.batch.size}).
 *
 * <p>It learns two things as it goes. The cost of a batch, as a fixed cost per batch plus a cost
 * per image ({@link CostModel}: a Theil-Sen line through the last {@value #COST_WINDOW} batches, so
 * a batch stalled by a GC pause or a busy core does not move it). And the arrival rate ({@link
 * ArrivalRate}: an exponentially decayed count over about {@link #RATE_TIME_CONSTANT}).
 *
 * <p>The decision, after each arrival and at each tick: with {@code n} events buffered, the oldest
 * {@code age} old, a cost of {@code a + b*n} and {@code r} arrivals per unit of time, the buffer
 * can wait {@code slack = (budget - age - (a + b*n)) / (1 + b*r)} longer (the events that arrive
 * meanwhile make the batch dearer, hence the divisor). It is classified now when the buffer is
 * full, when there is no slack left, or when fewer than {@value #ARRIVALS_WORTH_WAITING} more
 * events are expected within the slack; but never, short of a full buffer, while the batch is
 * smaller than the thread can sustain at the current rate ({@link #smallestSustainableBatch}): on a
 * slow or overloaded machine the budget gives way to keeping up, since a thread that falls behind
 * makes every event wait far longer than any budget. The rule on expected arrivals matters because
 * the processor only gets to look again when its stream thread loops: after a record arrives, or
 * when an idle {@code poll} returns after {@code poll.ms} (100 ms by default); a wall-clock
 * punctuator does not wake a thread blocked in {@code poll}. So at a low rate the buffer is
 * classified at an arrival, before its deadline, rather than at a tick that might come too late; an
 * event's wait is then bounded by the budget unless the rate drops suddenly, and in that case by
 * {@code poll.ms}. Events restored from the changelog (their arrival unknown) are classified at
 * once.
 *
 * <p>What the budget bounds, and what it does not. It bounds the time an event spends in this
 * processor: waiting for its batch and being classified. The end-to-end latency adds the producer's
 * linger, the consumer's fetch and, under exactly-once, the transaction: a prediction becomes
 * visible to {@code read_committed} readers only when the task commits, every {@code
 * commit.interval.ms} (50 ms, {@code StreamsConfigFactory}), so under exactly-once an event sees
 * this processor's latency plus up to one commit interval, and a budget far below the commit
 * interval saves little end-to-end latency for the batching it gives up. Under at-least-once the
 * predictions go out with the producer's linger, and the budget is most of the latency this app
 * adds. The figures per setting are in docs/BENCHMARKS.md.
 */
final class AdaptiveBatching implements BatchPolicy {
  /** Batches the cost model is fitted on. */
  static final int COST_WINDOW = 48;

  /**
   * How quickly the arrival rate follows a change: long enough to average over a poll's worth of
   * records, short enough to follow a burst.
   */
  static final Duration RATE_TIME_CONSTANT = Duration.ofMillis(500);

  /** Wait for more events only when at least this many are expected before the deadline. */
  static final double ARRIVALS_WORTH_WAITING = 3;

  /**
   * The share of the thread's time that classifying may take at the current rate: batches are never
   * made so small that their fixed cost would push it past this, whatever the budget.
   */
  static final double MAX_BUSY = 0.7;

  /** The punctuator's interval: a tick only helps while the thread loops, so fine is cheap. */
  static final Duration TICK = Duration.ofMillis(1);

  private final long budgetNanos;
  private final int maxBatch;
  private final LongSupplier nanos;
  private final CostModel cost = new CostModel(COST_WINDOW);
  private final ArrivalRate arrivals = new ArrivalRate(RATE_TIME_CONSTANT.toNanos());
  private long oldestNanos;
  private boolean oldestKnown;

  AdaptiveBatching(Duration budget, int maxBatch, LongSupplier nanos) {
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("the latency budget must be positive, got " + budget);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("the largest batch must be >= 1, got " + maxBatch);
    }
    this.budgetNanos = budget.toNanos();
    this.maxBatch = maxBatch;
    this.nanos = nanos;
  }

  @Override
  public int maxBatch() {
    return maxBatch;
  }

  @Override
  public Duration tick() {
    return TICK;
  }

  @Override
  public boolean arrived(int buffered) {
    long now = nanos.getAsLong();
    arrivals.arrived(now);
    if (buffered == 1) {
      oldestNanos = now;
      oldestKnown = true;
    }
    return due(buffered, now);
  }

  @Override
  public boolean ticked(int buffered) {
    return due(buffered, nanos.getAsLong());
  }

  @Override
  public void classified(int size, long nanos) {
    cost.observe(size, nanos);
  }

  private boolean due(int buffered, long now) {
    if (buffered <= 0) {
      return false;
    }
    if (buffered >= maxBatch || !oldestKnown) {
      return true;
    }
    double rate = arrivals.perNano(now);
    if (buffered < smallestSustainableBatch(rate)) {
      return false;
    }
    double slack = slackNanos(buffered, now);
    return slack <= 0 || rate * slack < ARRIVALS_WORTH_WAITING;
  }

  /**
   * The smallest batch that keeps the thread's classifying under {@link #MAX_BUSY} of its time at
   * {@code rate}: {@code rate * (a + b*n) / n <= MAX_BUSY}. Smaller batches would each pay the
   * fixed cost so often that the thread falls behind, and then every event waits far longer than
   * any budget; so when the budget would ask for smaller ones, the batch waits to this size
   * instead. Infinite when even a full batch cannot keep up: then only a full buffer (or a falling
   * rate) classifies.
   */
  double smallestSustainableBatch(double rate) {
    double spare = MAX_BUSY - rate * cost.perImageNanos();
    return spare <= 0 ? Double.POSITIVE_INFINITY : rate * cost.fixedNanos() / spare;
  }

  /** How much longer {@code buffered} events whose oldest arrived at the oldest can wait. */
  double slackNanos(int buffered, long now) {
    double age = now - oldestNanos;
    double rate = arrivals.perNano(now);
    return (budgetNanos - age - cost.predict(buffered)) / (1 + cost.perImageNanos() * rate);
  }

  /** The cost model as fitted now (for tests and diagnostics). */
  CostModel cost() {
    return cost;
  }

  /** Arrivals per second as estimated now. */
  double arrivalsPerSecond() {
    return arrivals.perNano(nanos.getAsLong()) * 1e9;
  }

  /**
   * The cost of a batch as {@code fixed + perImage * size}, fitted robustly (Theil-Sen: the median
   * of the slopes between every two batches of different sizes, then the median intercept) over a
   * window of the latest batches, refitted every few batches. Until a batch has been seen it
   * assumes a pessimistic cost ({@link #PRIOR_FIXED_NANOS}, {@link #PRIOR_PER_IMAGE_NANOS}) so that
   * the first batches are small rather than late; while every batch in the window has the same size
   * it assumes no fixed cost (again the pessimistic reading for larger batches).
   */
  static final class CostModel {
    static final double PRIOR_FIXED_NANOS = 2e6;
    static final double PRIOR_PER_IMAGE_NANOS = 0.5e6;
    private static final int REFIT_EVERY = 8;

    private final int[] sizes;
    private final double[] costs;
    private final double[] scratch;
    private final double[] slopes;
    private int count;
    private int next;
    private int sinceFit;
    private double fixed = PRIOR_FIXED_NANOS;
    private double perImage = PRIOR_PER_IMAGE_NANOS;

    CostModel(int window) {
      sizes = new int[window];
      costs = new double[window];
      scratch = new double[window];
      slopes = new double[window * (window - 1) / 2];
    }

    void observe(int size, long nanos) {
      if (size < 1 || nanos < 0) {
        return;
      }
      sizes[next] = size;
      costs[next] = nanos;
      next = (next + 1) % sizes.length;
      count = Math.min(count + 1, sizes.length);
      // refit at once while the window fills, then every few batches (the fit is O(window^2))
      if (count < REFIT_EVERY || ++sinceFit >= REFIT_EVERY) {
        sinceFit = 0;
        fit();
      }
    }

    double predict(int size) {
      return fixed + perImage * size;
    }

    double fixedNanos() {
      return fixed;
    }

    double perImageNanos() {
      return perImage;
    }

    private void fit() {
      int pairs = 0;
      for (int i = 0; i < count; i++) {
        for (int j = i + 1; j < count; j++) {
          if (sizes[i] != sizes[j]) {
            slopes[pairs++] = (costs[j] - costs[i]) / (sizes[j] - sizes[i]);
          }
        }
      }
      if (pairs == 0) {
        // one size only: no telling the fixed cost from the per-image one, so half each
        for (int i = 0; i < count; i++) {
          scratch[i] = costs[i] / sizes[i];
        }
        perImage = median(scratch, count) / 2;
        fixed = perImage * sizes[0];
        return;
      }
      perImage = Math.max(0, median(slopes, pairs));
      for (int i = 0; i < count; i++) {
        scratch[i] = costs[i] - perImage * sizes[i];
      }
      fixed = Math.max(0, median(scratch, count));
    }

    private static double median(double[] values, int n) {
      Arrays.sort(values, 0, n);
      return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
  }

  /**
   * Arrivals per nanosecond as an exponentially decayed count: each arrival adds one, and the count
   * decays with {@code timeConstant}; at a steady rate r the count settles at r times the time
   * constant. It starts at zero, so for about one time constant it underestimates the rate, which
   * errs towards smaller batches.
   */
  static final class ArrivalRate {
    private final double timeConstant;
    private double count;
    private long last;
    private boolean started;

    ArrivalRate(long timeConstantNanos) {
      this.timeConstant = timeConstantNanos;
    }

    void arrived(long now) {
      count = decayed(now) + 1;
      last = now;
      started = true;
    }

    double perNano(long now) {
      return decayed(now) / timeConstant;
    }

    private double decayed(long now) {
      return started ? count * Math.exp(-Math.max(0, now - last) / timeConstant) : 0;
    }
  }
}
