package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String SCRAPE =
      String.join(
          "\n",
          "# HELP mnist_events_in_total Image events received by the classifier",
          "# TYPE mnist_events_in_total counter",
          "mnist_events_in_total 500.0",
          "mnist_predictions_total{route=\"ACTIVE\",version=\"1\"} 400.0",
          "mnist_predictions_total{route=\"ACTIVE\",version=\"2\"} 50.0",
          "mnist_predictions_total{route=\"CANARY\",version=\"2\"} 25.0",
          "mnist_dead_letters_total{reason=\"MISSING_KEY\"} 20.0",
          "mnist_dead_letters_total{reason=\"INVALID_LABEL\"} 5.0",
          "weird_label{msg=\"a \\\"quoted\\\", comma\"} 1.5e3",
          "broken line without value",
          "");

  @Test
  void shouldReadSamplesWithAndWithoutLabels() {
    List<PrometheusText.Sample> samples = PrometheusText.parse(SCRAPE);

    assertThat(samples).hasSize(7);
    assertThat(PrometheusText.sum(samples, "mnist_events_in_total")).isEqualTo(500.0);
    assertThat(PrometheusText.sum(samples, "mnist_dead_letters_total")).isEqualTo(25.0);
    assertThat(PrometheusText.sum(samples, "absent")).isNaN();
    assertThat(PrometheusText.sumBy(samples, "mnist_predictions_total", "route"))
        .isEqualTo(Map.of("ACTIVE", 450.0, "CANARY", 25.0));
    assertThat(samples.get(6).labels()).containsEntry("msg", "a \"quoted\", comma");
    assertThat(samples.get(6).value()).isEqualTo(1500.0);
  }
}
