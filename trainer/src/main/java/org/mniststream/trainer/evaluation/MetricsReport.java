package org.mniststream.trainer.evaluation;

import java.util.List;
import java.util.Locale;
import org.mniststream.model.Architecture;
import org.mniststream.schemas.EvaluationMetrics;

/**
 * Renders {@link EvaluationMetrics} as text tables for the console. Columns are labelled by class
 * index, not "digit": fine-tuning may use any dataset of ten classes.
 */
public final class MetricsReport {
  private MetricsReport() {}

  public static String format(EvaluationMetrics m) {
    int classes = Architecture.CLASSES;
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Test accuracy: %.4f  loss: %.4f  (%d images)%n",
            m.getTestAccuracy(),
            m.getTestLoss(),
            m.getTestSize()));
    if (m.getValidationAccuracy() != null) {
      out.append(
          String.format(Locale.ROOT, "Validation accuracy: %.4f%n", m.getValidationAccuracy()));
    }
    out.append("Per-class accuracy:").append(System.lineSeparator());
    List<Double> perClass = m.getPerClassAccuracy();
    StringBuilder classRow = new StringBuilder("  class    ");
    StringBuilder values = new StringBuilder("  accuracy ");
    for (int k = 0; k < classes; k++) {
      classRow.append(String.format(Locale.ROOT, "%7d", k));
      values.append(String.format(Locale.ROOT, "%7.4f", perClass.get(k)));
    }
    out.append(classRow).append(System.lineSeparator());
    out.append(values).append(System.lineSeparator());
    out.append("Confusion matrix (rows: true class, columns: predicted):")
        .append(System.lineSeparator());
    StringBuilder header = new StringBuilder("       ");
    for (int p = 0; p < classes; p++) {
      header.append(String.format(Locale.ROOT, "%6d", p));
    }
    out.append(header).append(System.lineSeparator());
    List<Integer> matrix = m.getConfusionMatrix();
    for (int t = 0; t < classes; t++) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %3d |", t));
      for (int p = 0; p < classes; p++) {
        row.append(String.format(Locale.ROOT, "%6d", matrix.get(t * classes + p)));
      }
      out.append(row).append(System.lineSeparator());
    }
    return out.toString();
  }
}
