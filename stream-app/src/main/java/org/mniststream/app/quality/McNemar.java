package org.mniststream.app.quality;

/**
 * McNemar's exact test of two classifiers scored on the same events: under the null hypothesis that
 * both are equally accurate, each discordant pair is equally likely to favour either, so {@code b ~
 * Binomial(b + c, 1/2)}.
 */
public final class McNemar {
  private McNemar() {}

  /**
   * The two-sided exact p-value, {@code min(1, 2 * P(X <= min(b, c)))} with {@code X ~ Binomial(b +
   * c, 1/2)}; 1 when there is no discordant pair. Summed in log space, so it stays exact to double
   * precision for millions of pairs, where {@code 0.5^n} alone underflows.
   */
  public static double exactPValue(long b, long c) {
    if (b < 0 || c < 0) {
      throw new IllegalArgumentException("b=" + b + ", c=" + c);
    }
    long n = b + c;
    long k = Math.min(b, c);
    if (2 * k + 1 >= n) {
      return 1.0; // b and c as even as n allows: P(X <= k) >= 1/2 exactly, by symmetry
    }
    // log C(n, i) is built up term by term and the terms summed as a running log-sum-exp; for
    // i <= k <= n/2 each term is larger than the one before, so the running maximum is the last
    double logC = 0;
    double logSum = Double.NEGATIVE_INFINITY;
    for (long i = 0; i <= k; i++) {
      if (i > 0) {
        logC += Math.log(n - i + 1) - Math.log(i);
      }
      logSum = logC + Math.log1p(Math.exp(logSum - logC));
    }
    double tail = Math.exp(logSum - n * Math.log(2));
    return Math.min(1.0, 2 * tail);
  }
}
