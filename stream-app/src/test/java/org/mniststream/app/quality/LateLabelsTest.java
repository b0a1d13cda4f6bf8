package org.mniststream.app.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mniststream.app.quality.QualityRecords.label;
import static org.mniststream.app.quality.QualityRecords.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.Route;

/**
 * Labels that arrive ten minutes late, after the version that made the prediction has been
 * replaced: each counts toward the version (and route) that made its event's prediction, never
 * toward the one serving when the label came.
 */
class LateLabelsTest {
  private static final long MINUTE = 60_000;

  @Test
  void shouldCountLabelsTenMinutesLateTowardTheVersionThatMadeThePrediction() {
    List<SpecificRecord> inputs = new ArrayList<>();
    // v1 serves the first minute (right on 9 of 10), v2 the next (right on 6 of 10), with v3 in
    // shadow for four of those; every label comes ten minutes after its prediction
    for (int i = 0; i < 10; i++) {
      long at = i * 1_000;
      inputs.add(prediction("a" + i, 1, Route.ACTIVE, i < 9 ? 4 : 5, 0.9f, at));
    }
    for (int i = 0; i < 10; i++) {
      long at = MINUTE + i * 1_000;
      inputs.add(prediction("b" + i, 2, Route.ACTIVE, i < 6 ? 4 : 5, 0.9f, at));
      if (i < 4) {
        inputs.add(prediction("b" + i, 3, Route.SHADOW, 4, 0.9f, at));
      }
    }
    for (int i = 0; i < 10; i++) {
      inputs.add(label("a" + i, 4, "review", i * 1_000 + 10 * MINUTE));
      inputs.add(label("b" + i, 4, "review", MINUTE + i * 1_000 + 10 * MINUTE));
    }

    Map<String, QualityReport> reports =
        QualityRecompute.latest(QualityRecompute.replay(QualitySettings.DEFAULTS, inputs));

    QualityReport v1 = reports.get("mnist/0000000001/ACTIVE/all");
    QualityReport v2 = reports.get("mnist/0000000002/ACTIVE/all");
    assertThat(v1.getLabelled()).isEqualTo(10);
    assertThat(v1.getCorrect()).isEqualTo(9);
    assertThat(v1.getLateLabels()).isZero();
    assertThat(v2.getLabelled()).isEqualTo(10);
    assertThat(v2.getCorrect()).isEqualTo(6);
    assertThat(reports.get("mnist/0000000003/SHADOW/all").getLabelled()).isEqualTo(4);
  }
}
