package org.mniststream.app.quality;

/** A two-sided confidence interval, {@code low <= high}. */
public record Interval(double low, double high) {
  /** The normal quantile of a two-sided 95 % interval. */
  static final double Z95 = 1.959963984540054;

  public Interval {
    if (!(low <= high)) {
      throw new IllegalArgumentException("low " + low + " > high " + high);
    }
  }

  /**
   * The 95 % Wilson score interval of a proportion {@code successes / n}: unlike the Wald interval
   * it stays inside [0, 1] and keeps its coverage at 0 % or 100 % and for small {@code n}, which is
   * where a fresh canary lives. [0, 1] when {@code n} is 0.
   */
  public static Interval wilson(long successes, long n) {
    if (successes < 0 || n < successes) {
      throw new IllegalArgumentException(successes + " successes out of " + n);
    }
    if (n == 0) {
      return new Interval(0, 1);
    }
    double p = (double) successes / n;
    double z2 = Z95 * Z95;
    double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
    double half = Z95 / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    // exactly 0 and 1 at the edges, where the formula gives them up to rounding
    return new Interval(
        successes == 0 ? 0 : Math.max(0, centre - half),
        successes == n ? 1 : Math.min(1, centre + half));
  }

  /**
   * The 95 % interval of a difference of paired proportions, {@code (c - b) / n}, by the
   * Agresti-Min adjusted Wald method (half a pair added to each of the four cells), which keeps its
   * coverage when the discordant counts are small; clipped to [-1, 1]. [-1, 1] when {@code n} is 0.
   *
   * @param b pairs where only the first is right
   * @param c pairs where only the second is right
   * @param n all pairs
   */
  public static Interval pairedDifference(long b, long c, long n) {
    if (b < 0 || c < 0 || b + c > n) {
      throw new IllegalArgumentException("b=" + b + ", c=" + c + ", n=" + n);
    }
    if (n == 0) {
      return new Interval(-1, 1);
    }
    double b1 = b + 0.5;
    double c1 = c + 0.5;
    double n1 = n + 2.0;
    double d = (c1 - b1) / n1;
    double se = Math.sqrt((b1 + c1) - (c1 - b1) * (c1 - b1) / n1) / n1;
    return new Interval(Math.max(-1, d - Z95 * se), Math.min(1, d + Z95 * se));
  }
}
