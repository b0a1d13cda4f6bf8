package org.mniststream.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The figures of {@code bench --compare naive}: one row per run (product and naive peer
 * alternating), then per side the median of each figure with its spread (min-max over the runs),
 * and the product/naive ratios of the medians. Pure arithmetic and formatting, no Kafka.
 */
final class SideBySide {
  private SideBySide() {}

  enum Side {
    PRODUCT,
    NAIVE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One measured run. Latencies in ms; CPU is whole-process CPU per prediction, ms. */
  record Run(
      Side side,
      int index,
      long sent,
      long predictions,
      long duplicates,
      long deadLetters,
      double throughput,
      double p50Ms,
      double p99Ms,
      double cpuMsPerEvent) {

    /** Every event sent came out, as a prediction or a dead letter (in = out + dead letters). */
    boolean accounted() {
      return sent == predictions + deadLetters;
    }
  }

  /** The median of a figure and its spread over the runs. */
  record Spread(double median, double min, double max) {
    static Spread of(List<Double> values) {
      if (values.isEmpty()) {
        return new Spread(Double.NaN, Double.NaN, Double.NaN);
      }
      List<Double> sorted = values.stream().sorted().toList();
      int n = sorted.size();
      double median =
          n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      return new Spread(median, sorted.get(0), sorted.get(n - 1));
    }
  }

  /** Medians and spreads of one side. */
  record Summary(Side side, int runs, Spread throughput, Spread p50Ms, Spread p99Ms, Spread cpu) {
    static Summary of(Side side, List<Run> runs) {
      List<Run> own = runs.stream().filter(r -> r.side() == side).toList();
      return new Summary(
          side,
          own.size(),
          spread(own, Run::throughput),
          spread(own, Run::p50Ms),
          spread(own, Run::p99Ms),
          spread(own, Run::cpuMsPerEvent));
    }

    private static Spread spread(List<Run> runs, ToDoubleFunction<Run> figure) {
      List<Double> values = new ArrayList<>();
      runs.forEach(r -> values.add(figure.applyAsDouble(r)));
      return Spread.of(values);
    }
  }

  /**
   * Product over naive, of the medians. Throughput above 1 and p99 and CPU per event below 1 favour
   * the product.
   */
  record Ratios(double throughput, double p99, double cpuPerEvent) {
    static Ratios of(Summary product, Summary naive) {
      return new Ratios(
          product.throughput().median() / naive.throughput().median(),
          product.p99Ms().median() / naive.p99Ms().median(),
          product.cpu().median() / naive.cpu().median());
    }
  }

  /** The whole table: runs, medians with spread, and the ratios when both sides ran. */
  static String table(List<Run> runs) {
    StringBuilder t = new StringBuilder();
    t.append(
        String.format(
            Locale.ROOT,
            "%-8s %3s %9s %11s %8s %11s %9s %9s %13s%n",
            "side",
            "run",
            "sent",
            "predictions",
            "dead",
            "events/s",
            "p50 ms",
            "p99 ms",
            "CPU ms/event"));
    for (Run r : runs) {
      t.append(
          String.format(
              Locale.ROOT,
              "%-8s %3d %9d %11d %8d %11.0f %9.1f %9.1f %13.3f%s%n",
              r.side().label(),
              r.index(),
              r.sent(),
              r.predictions(),
              r.deadLetters(),
              r.throughput(),
              r.p50Ms(),
              r.p99Ms(),
              r.cpuMsPerEvent(),
              r.accounted() ? "" : unaccounted(r.sent() - r.predictions() - r.deadLetters())));
    }
    t.append(String.format(Locale.ROOT, "median (min-max)%n"));
    List<Summary> summaries = new ArrayList<>();
    for (Side side : Side.values()) {
      Summary s = Summary.of(side, runs);
      if (s.runs() == 0) {
        continue;
      }
      summaries.add(s);
      t.append(
          String.format(
              Locale.ROOT,
              "%-8s %3d runs   events/s %s   p50 %s ms   p99 %s ms   CPU %s ms/event%n",
              side.label(),
              s.runs(),
              describe(s.throughput(), "%.0f"),
              describe(s.p50Ms(), "%.1f"),
              describe(s.p99Ms(), "%.1f"),
              describe(s.cpu(), "%.3f")));
    }
    if (summaries.size() == 2) {
      Ratios q = Ratios.of(summaries.get(0), summaries.get(1));
      t.append(
          String.format(
              Locale.ROOT,
              "product/naive   throughput %.2fx   p99 %.2fx   CPU per event %.2fx%n",
              q.throughput(),
              q.p99(),
              q.cpuPerEvent()));
    }
    return t.toString();
  }

  /** A run that fell behind (or lost events): how many had not come out when it was stopped. */
  static String unaccounted(long missing) {
    return "  (" + missing + " not out when stopped: queued or lost)";
  }

  private static String describe(Spread s, String format) {
    return String.format(Locale.ROOT, format, s.median())
        + " ("
        + String.format(Locale.ROOT, format, s.min())
        + "-"
        + String.format(Locale.ROOT, format, s.max())
        + ")";
  }
}
