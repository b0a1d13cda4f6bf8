package org.mniststream.app.judge;

/**
 * An anytime-valid paired test of "the candidate is worse than the baseline by more than {@code
 * delta}", run on the counts of a stage's labelled pairs as they grow: {@code n} events scored by
 * both, {@code b} where only the baseline is right, {@code c} where only the candidate is right.
 *
 * <p>Each pair is X = +1 (only the candidate right), -1 (only the baseline right) or 0, and the
 * accuracy difference is d = E[X]. Two betting e-processes (Waudby-Smith and Ramdas, "Estimating
 * means of bounded random variables by betting", JRSS-B 2023), each a product over the pairs:
 *
 * <ul>
 *   <li>{@link #worse}: against H0 "d >= -delta" (the drop is tolerable), the product of {@code 1 -
 *       lambda (X + delta)}; under H0 each factor has mean at most 1;
 *   <li>{@link #notWorse}: against H0 "d <= -delta" (the drop is too large), the product of {@code
 *       1 + lambda (X + delta)}.
 * </ul>
 *
 * Each bet {@code lambda} is chosen before the pairs it applies to are seen, from the counts so far
 * (the "aGRAPA" plug-in of the paper: the bet that maximizes the growth rate for the mean and
 * variance estimated so far, shrunk toward no difference, capped at {@value #CAP} of the largest
 * bet that keeps every factor positive). So each product is a nonnegative supermartingale under its
 * null, and by Ville's inequality the chance that it ever reaches 1/a is at most a however often it
 * is looked at: the judge may look after every quality record, with no fixed sample size. Pairs
 * that arrive together (one report counting several new events) share one bet, which keeps the
 * guarantee.
 *
 * <p>StrictMath, not Math: the same sequence of counts gives the same bits on every JVM, so a
 * replay of the quality topic gives byte-identical decisions. The state is immutable and small (the
 * counts consumed and the two logarithms), kept in the judge's store between records.
 *
 * <p>Why not McNemar's exact test each time: repeated at every look it would roll back a good
 * candidate far more often than its nominal level. The quality report still carries McNemar's
 * p-value as a fixed-sample description.
 *
 * @param n pairs consumed so far
 * @param b of them, only the baseline right
 * @param c of them, only the candidate right
 * @param logWorse log of the e-process against "the drop is at most delta"
 * @param logNotWorse log of the e-process against "the drop is at least delta"
 */
public record PairedSequentialTest(long n, long b, long c, double logWorse, double logNotWorse) {
  /** A test that has seen nothing: both e-values are 1. */
  public static final PairedSequentialTest START = new PairedSequentialTest(0, 0, 0, 0, 0);

  /** The share of the largest safe bet the test ever makes. */
  static final double CAP = 0.9;

  /** Prior discordance: a few pseudo-pairs, so the first bets are neither zero nor reckless. */
  private static final double PRIOR_PAIRS = 20;

  private static final double PRIOR_DISCORDANT = 0.05;

  /**
   * The test once the counts have grown to ({@code n}, {@code b}, {@code c}): the new pairs are bet
   * on with what was known before them. Counts that shrink (a label corrected) are taken as the new
   * base without a bet.
   */
  public PairedSequentialTest update(long n, long b, long c, double delta) {
    check(n, b, c, delta);
    long dn = n - this.n;
    long db = b - this.b;
    long dc = c - this.c;
    if (dn == 0 && db == 0 && dc == 0) {
      return this;
    }
    if (dn < 0 || db < 0 || dc < 0 || db + dc > dn) {
      return new PairedSequentialTest(n, b, c, logWorse, logNotWorse);
    }
    long d0 = dn - db - dc;
    double lambdaWorse = bet(-1, delta);
    double lambdaNotWorse = bet(+1, delta);
    double worse =
        logWorse
            + dc * StrictMath.log1p(-lambdaWorse * (1 + delta))
            + db * StrictMath.log1p(lambdaWorse * (1 - delta))
            + d0 * StrictMath.log1p(-lambdaWorse * delta);
    double notWorse =
        logNotWorse
            + dc * StrictMath.log1p(lambdaNotWorse * (1 + delta))
            + db * StrictMath.log1p(-lambdaNotWorse * (1 - delta))
            + d0 * StrictMath.log1p(lambdaNotWorse * delta);
    return new PairedSequentialTest(n, b, c, worse, notWorse);
  }

  /** E-value against "the drop is at most delta": large when the candidate is clearly worse. */
  public double worse() {
    return exp(logWorse);
  }

  /**
   * E-value against "the drop is at least delta": large when the candidate is clearly not worse.
   */
  public double notWorse() {
    return exp(logNotWorse);
  }

  /**
   * The growth-rate-optimal bet for the mean m = E[X + delta] and variance v estimated from the
   * pairs so far (with a prior of no difference): sign * m / (v + m^2), clipped to [0, cap].
   */
  private double bet(int sign, double delta) {
    double pairs = n + PRIOR_PAIRS;
    double mean = (c - b) / pairs + delta;
    double discordant = (c + b + PRIOR_PAIRS * PRIOR_DISCORDANT) / pairs;
    double variance = Math.max(1e-6, discordant - (mean - delta) * (mean - delta));
    double lambda = sign * mean / (variance + mean * mean);
    return Math.max(0, Math.min(CAP / (1 + delta), lambda));
  }

  private static double exp(double log) {
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
