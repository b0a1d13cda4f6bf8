package org.mniststream.trainer.evaluation;

import java.util.Locale;

/** The quality gate refused a model: its test accuracy is below the required minimum. */
public final class QualityGateException extends Exception {
  private static final long serialVersionUID = 1L;

  private final double accuracy;
  private final double required;

  public QualityGateException(double accuracy, double required) {
    super(
        String.format(
            Locale.ROOT,
            "quality gate refused the model: test accuracy %.4f is below the required %.4f;"
                + " it was not published",
            accuracy,
            required));
    this.accuracy = accuracy;
    this.required = required;
  }

  /** Refuses when {@code accuracy < required}; a null requirement accepts everything. */
  public static void check(double accuracy, Double required) throws QualityGateException {
    if (required != null && accuracy < required) {
      throw new QualityGateException(accuracy, required);
    }
  }

  public double accuracy() {
    return accuracy;
  }

  public double required() {
    return required;
  }
}
