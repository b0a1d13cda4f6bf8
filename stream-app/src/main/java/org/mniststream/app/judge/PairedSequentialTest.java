package org.mniststream.app.judge;

/**
 * An anytime-valid paired test of "the candidate is worse than the baseline by more than {@code
 * delta}", from the counts of a stage's labelled pairs: {@code n} events scored by both, {@code b}
 * where only the baseline is right, {@code c} where only the candidate is right.
 *
 * <p>Each pair is X = +1 (only the candidate right), -1 (only the baseline right) or 0, and the
 * accuracy difference is d = E[X]. Two betting e-processes (Waudby-Smith and Ramdas, "Estimating
 * means of bounded random variables by betting", 2023), each an average over a fixed grid of bets
 * {@code lambda} of a product over the pairs:
 *
 * <ul>
 *   <li>{@link #evidenceWorse}: against H0 "d >= -delta" (the drop is tolerable), the product of
 *       {@code 1 - lambda (X + delta)}; under H0 each factor has mean at most 1;
 *   <li>{@link #evidenceNotWorse}: against H0 "d <= -delta" (the drop is too large), the product of
 *       {@code 1 + lambda (X + delta)}.
 * </ul>
 *
 * Both are nonnegative supermartingales under their null, so by Ville's inequality the chance that
 * one ever reaches 1/a is at most a, however often it is looked at: the judge may look after every
 * quality record without a fixed sample size. With a fixed grid the products depend on the counts
 * only (not on the order of the pairs), so the statistic is a pure function of the quality report.
 * The grid average costs a factor of at most {@value #BETS} against the best single bet.
 *
 * <p>StrictMath, not Math: the same counts give the same bits on every JVM, so a replay of the
 * quality topic gives byte-identical decisions.
 *
 * <p>Why not McNemar's exact test each time: repeated at every look it would roll back a good
 * candidate far more often than its nominal level. The quality report still carries McNemar's
 * p-value as a fixed-sample description.
 */
public final class PairedSequentialTest {
  static final int BETS = 8;

  private PairedSequentialTest() {}

  /** E-value against "the drop is at most delta": large when the candidate is clearly worse. */
  public static double evidenceWorse(long n, long b, long c, double delta) {
    check(n, b, c, delta);
    double[] logs = new double[BETS];
    for (int j = 0; j < BETS; j++) {
      double lambda = bet(j, delta);
      logs[j] =
          c * StrictMath.log1p(-lambda * (1 + delta))
              + b * StrictMath.log1p(lambda * (1 - delta))
              + (n - b - c) * StrictMath.log1p(-lambda * delta);
    }
    return meanOfExp(logs);
  }

  /**
   * E-value against "the drop is at least delta": large when the candidate is clearly not worse.
   */
  public static double evidenceNotWorse(long n, long b, long c, double delta) {
    check(n, b, c, delta);
    double[] logs = new double[BETS];
    for (int j = 0; j < BETS; j++) {
      double lambda = bet(j, delta);
      logs[j] =
          c * StrictMath.log1p(lambda * (1 + delta))
              + b * StrictMath.log1p(-lambda * (1 - delta))
              + (n - b - c) * StrictMath.log1p(lambda * delta);
    }
    return meanOfExp(logs);
  }

  /** Bet j: 0.9, 0.45, ... of the largest bet that keeps every factor positive. */
  private static double bet(int j, double delta) {
    return 0.9 / (1 + delta) / (1 << j);
  }

  /** log-sum-exp, so a product of thousands of factors neither overflows nor underflows early. */
  private static double meanOfExp(double[] logs) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logs) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (double l : logs) {
      sum += StrictMath.exp(l - max);
    }
    double log = max + StrictMath.log(sum / logs.length);
    return log > 700 ? Double.MAX_VALUE : StrictMath.exp(log);
  }

  private static void check(long n, long b, long c, double delta) {
    if (n < 0 || b < 0 || c < 0 || b + c > n) {
      throw new IllegalArgumentException(
          "counts must satisfy 0 <= b + c <= n, got n=" + n + " b=" + b + " c=" + c);
    }
    if (!(delta >= 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in [0, 1), got " + delta);
    }
  }
}
