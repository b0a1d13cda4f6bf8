package org.mniststream.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * The figures of {@code bench --compare naive} and {@code bench --variant ...}: one row per run
 * (product and naive peer, or the product's variants, alternating), then per side or variant the
 * median of each figure with its spread (min-max over the runs), and the ratios of the medians:
 * product/naive, or each variant over the first. Pure parsing, arithmetic and formatting, no Kafka.
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

  /**
   * A configuration of the product to run beside others ({@code --variant NAME=key=value,...}): a
   * name for the tables, topic names and application ids, and the stream-app settings that differ.
   */
  record Variant(String name, List<String> settings) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,31}");

    Variant {
      settings = List.copyOf(settings);
    }

    /**
     * {@code NAME}, or {@code NAME=key=value[,key=value...]}; a value cannot hold a comma. Refuses
     * a malformed one in one line.
     */
    static Variant parse(String spec) {
      int eq = spec.indexOf('=');
      String name = (eq < 0 ? spec : spec.substring(0, eq)).trim();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "--variant needs NAME[=key=value,...] with a NAME of letters, digits, '-' and '_'"
                + " (at most 32), got '"
                + spec
                + "'");
      }
      List<String> settings = new ArrayList<>();
      if (eq >= 0 && !spec.substring(eq + 1).isBlank()) {
        for (String setting : spec.substring(eq + 1).split(",")) {
          int at = setting.indexOf('=');
          if (at <= 0 || setting.substring(0, at).isBlank()) {
            throw new IllegalArgumentException(
                "--variant " + name + ": '" + setting.trim() + "' is not key=value");
          }
          settings.add(setting.substring(0, at).trim() + "=" + setting.substring(at + 1).trim());
        }
      }
      return new Variant(name, settings);
    }

    /** Every spec parsed, in order; two variants of one name are refused. */
    static List<Variant> parseAll(List<String> specs) {
      List<Variant> variants = specs.stream().map(Variant::parse).toList();
      Set<String> names = new HashSet<>();
      for (Variant v : variants) {
        if (v.name().equals(Side.NAIVE.label())) {
          throw new IllegalArgumentException("--variant naive: that name is the naive peer's");
        }
        if (!names.add(v.name())) {
          throw new IllegalArgumentException("--variant " + v.name() + " is named twice");
        }
      }
      return variants;
    }

    String describe() {
      return name + (settings.isEmpty() ? " (the defaults)" : ": " + String.join(", ", settings));
    }
  }

  /**
   * One measured run; {@code variant} is empty unless the product ran as a named variant. Latencies
   * in ms; CPU is whole-process CPU per prediction, ms; {@code meanBatch} is the product's events
   * per forward pass since it started (NaN for the naive peer, or when it could not be read).
   */
  record Run(
      Side side,
      String variant,
      int index,
      long sent,
      long predictions,
      long duplicates,
      long deadLetters,
      double throughput,
      double p50Ms,
      double p99Ms,
      double cpuMsPerEvent,
      double meanBatch) {

    /** Every event sent came out, as a prediction or a dead letter (in = out + dead letters). */
    boolean accounted() {
      return sent == predictions + deadLetters;
    }

    /** The row's name: the variant's, else the side's. */
    String label() {
      return variant.isEmpty() ? side.label() : variant;
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

  /** Medians and spreads of one side or variant (runs of one {@link Run#label()}). */
  record Summary(
      String label,
      int runs,
      Spread throughput,
      Spread p50Ms,
      Spread p99Ms,
      Spread cpu,
      Spread meanBatch) {
    static Summary of(String label, List<Run> runs) {
      List<Run> own = runs.stream().filter(r -> r.label().equals(label)).toList();
      return new Summary(
          label,
          own.size(),
          spread(own, Run::throughput),
          spread(own, Run::p50Ms),
          spread(own, Run::p99Ms),
          spread(own, Run::cpuMsPerEvent),
          spread(own.stream().filter(r -> !Double.isNaN(r.meanBatch())).toList(), Run::meanBatch));
    }

    private static Spread spread(List<Run> runs, ToDoubleFunction<Run> figure) {
      List<Double> values = new ArrayList<>();
      runs.forEach(r -> values.add(figure.applyAsDouble(r)));
      return Spread.of(values);
    }
  }

  /**
   * One over another (product over naive, a variant over the first), of the medians. Throughput
   * above 1 and p99 and CPU per event below 1 favour the first.
   */
  record Ratios(double throughput, double p99, double cpuPerEvent) {
    static Ratios of(Summary product, Summary naive) {
      return new Ratios(
          product.throughput().median() / naive.throughput().median(),
          product.p99Ms().median() / naive.p99Ms().median(),
          product.cpu().median() / naive.cpu().median());
    }
  }

  /**
   * The whole table: runs, medians with spread, and the ratios: product/naive when both sides ran
   * as such, else every variant (and the naive peer) over the first variant.
   */
  static String table(List<Run> runs) {
    List<String> labels = runs.stream().map(Run::label).distinct().toList();
    int width = Math.max(8, labels.stream().mapToInt(String::length).max().orElse(0));
    String name = "%-" + width + "s";
    StringBuilder t = new StringBuilder();
    t.append(
        String.format(
            Locale.ROOT,
            name + " %3s %9s %11s %8s %11s %9s %9s %13s %6s%n",
            "side",
            "run",
            "sent",
            "predictions",
            "dead",
            "events/s",
            "p50 ms",
            "p99 ms",
            "CPU ms/event",
            "batch"));
    for (Run r : runs) {
      t.append(
          String.format(
              Locale.ROOT,
              name + " %3d %9d %11d %8d %11.0f %9.1f %9.1f %13.3f %6.1f%s%n",
              r.label(),
              r.index(),
              r.sent(),
              r.predictions(),
              r.deadLetters(),
              r.throughput(),
              r.p50Ms(),
              r.p99Ms(),
              r.cpuMsPerEvent(),
              r.meanBatch(),
              r.accounted() ? "" : unaccounted(r.sent() - r.predictions() - r.deadLetters())));
    }
    t.append(String.format(Locale.ROOT, "median (min-max)%n"));
    List<Summary> summaries = new ArrayList<>();
    for (String label : labels) {
      Summary s = Summary.of(label, runs);
      summaries.add(s);
      t.append(
          String.format(
              Locale.ROOT,
              name + " %3d runs   events/s %s   p50 %s ms   p99 %s ms   CPU %s ms/event%s%n",
              label,
              s.runs(),
              describe(s.throughput(), "%.0f"),
              describe(s.p50Ms(), "%.1f"),
              describe(s.p99Ms(), "%.1f"),
              describe(s.cpu(), "%.3f"),
              Double.isNaN(s.meanBatch().median())
                  ? ""
                  : "   batch " + describe(s.meanBatch(), "%.1f")));
    }
    boolean variants = runs.stream().anyMatch(r -> !r.variant().isEmpty());
    if (!variants && summaries.size() == 2) {
      t.append(ratios("product/naive", Ratios.of(summaries.get(0), summaries.get(1))));
    }
    if (variants) {
      Summary first = summaries.get(0);
      for (Summary other : summaries.subList(1, summaries.size())) {
        t.append(ratios(other.label() + "/" + first.label(), Ratios.of(other, first)));
      }
    }
    return t.toString();
  }

  private static String ratios(String name, Ratios q) {
    return String.format(
        Locale.ROOT,
        "%s   throughput %.2fx   p99 %.2fx   CPU per event %.2fx%n",
        name,
        q.throughput(),
        q.p99(),
        q.cpuPerEvent());
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
