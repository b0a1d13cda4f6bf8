package org.mniststream.app.quality;

import java.time.Duration;
import java.time.Instant;
import org.mniststream.app.quality.EventState.Scored;
import org.mniststream.schemas.TopicNames;

/**
 * Which report a prediction counts in: its model, version and route, over every prediction ({@code
 * all}) or over one tumbling window of its processedAt.
 *
 * @param windowStart start of the window, epoch millis; null for {@code all}
 */
record ReportKey(
    String modelName, long version, String route, String window, Long windowStart, Long windowEnd) {
  static final String ALL = "all";

  /** The two reports a prediction counts in: {@code all} and its window. */
  static ReportKey[] of(Scored p, Duration window) {
    long size = window.toMillis();
    long start = Math.floorDiv(p.processedAt(), size) * size;
    return new ReportKey[] {
      new ReportKey(p.modelName(), p.version(), p.route(), ALL, null, null),
      new ReportKey(p.modelName(), p.version(), p.route(), window.toString(), start, start + size)
    };
  }

  /** {@code <model>/<version, 10 digits>/<route>/<window>}: the record key on the quality topic. */
  String key() {
    String w = windowStart == null ? ALL : window + "@" + Instant.ofEpochMilli(windowStart);
    return TopicNames.modelKey(modelName, version) + "/" + route + "/" + w;
  }
}
