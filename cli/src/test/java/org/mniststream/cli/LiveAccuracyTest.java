package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.TopicNames;

class LiveAccuracyTest {
  @Test
  void shouldPreferTheNewestWindowWithEnoughLabelsOverAllPredictions() {
    Map<String, QualityReport> reports = new HashMap<>();
    put(reports, 3, "ACTIVE", "all", null, 5000, 0.99);
    put(reports, 3, "ACTIVE", "PT1H@2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z", 400, 0.80);
    // newer, but too few labels yet
    put(reports, 3, "ACTIVE", "PT1H@2025-01-01T11:00:00Z", "2025-01-01T11:00:00Z", 20, 0.10);
    // another route and another version: not the active version's serving figure
    put(reports, 3, "SHADOW", "all", null, 5000, 0.10);
    put(reports, 4, "ACTIVE", "all", null, 5000, 0.10);

    assertThat(LiveAccuracy.of(reports, "m", 3, 100).orElseThrow().getAccuracy()).isEqualTo(0.80);
    assertThat(LiveAccuracy.of(reports, "m", 3, 1000).orElseThrow().getAccuracy()).isEqualTo(0.99);
    assertThat(LiveAccuracy.of(reports, "m", 3, 10_000)).isEmpty();
    assertThat(LiveAccuracy.of(reports, "m", 5, 1)).isEmpty();
  }

  private static void put(
      Map<String, QualityReport> reports,
      long version,
      String route,
      String window,
      String start,
      long labelled,
      double accuracy) {
    QualityReport r = new QualityReport();
    r.setModelName("m");
    r.setModelVersion(version);
    r.setRoute(route);
    r.setWindow(window);
    r.setWindowStart(start == null ? null : Instant.parse(start));
    r.setLabelled(labelled);
    r.setAccuracy(accuracy);
    reports.put(TopicNames.modelKey("m", version) + "/" + route + "/" + window, r);
  }
}
