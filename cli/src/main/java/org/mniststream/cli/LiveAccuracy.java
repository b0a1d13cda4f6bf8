package org.mniststream.cli;

import java.util.Map;
import java.util.Optional;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.TopicNames;

/**
 * The live accuracy the continual trainer's alarm looks at: of the quality topic's reports (latest
 * value per key), the active version's ACTIVE-route report over its most recent window, when that
 * window has enough labels, else over all its predictions (the {@code all} window). The recent
 * window comes first because a drift shows there long before it moves the all-time figure. Pure.
 */
final class LiveAccuracy {
  static final String ROUTE = "ACTIVE";
  static final String ALL = "all";

  private LiveAccuracy() {}

  /**
   * @param reports quality reports by record key ({@code <model>/<version>/<route>/<window>})
   * @param minLabelled a report with fewer labelled predictions says nothing yet
   */
  static Optional<QualityReport> of(
      Map<String, QualityReport> reports, String modelName, long version, long minLabelled) {
    String prefix = TopicNames.modelKey(modelName, version) + "/" + ROUTE + "/";
    QualityReport all = null;
    QualityReport recent = null;
    for (Map.Entry<String, QualityReport> e : reports.entrySet()) {
      QualityReport r = e.getValue();
      if (r == null || !e.getKey().startsWith(prefix) || r.getLabelled() < minLabelled) {
        continue;
      }
      if (ALL.equals(r.getWindow())) {
        all = r;
      } else if (r.getWindowStart() != null
          && (recent == null || r.getWindowStart().isAfter(recent.getWindowStart()))) {
        recent = r;
      }
    }
    return Optional.ofNullable(recent != null ? recent : all);
  }
}
