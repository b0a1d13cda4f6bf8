package org.mniststream.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.EvaluationMetrics;

class MetricsReportTest {

  @Test
  void shouldLabelTablesByClassBecauseFineTuningDataNeedNotBeDigits() {
    EvaluationMetrics metrics =
        EvaluationMetrics.newBuilder()
            .setTestAccuracy(0.5)
            .setTestLoss(1.25)
            .setTestSize(10)
            .setPerClassAccuracy(Collections.nCopies(10, 0.5))
            .setConfusionMatrix(Collections.nCopies(100, 1))
            .setValidationAccuracy(null)
            .build();

    String report = MetricsReport.format(metrics);

    assertThat(report)
        .contains("Test accuracy: 0.5000  loss: 1.2500  (10 images)")
        .contains("  class          0      1")
        .contains("rows: true class, columns: predicted")
        .doesNotContain("digit");
  }
}
