package org.mniststream.app.quality;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.mniststream.schemas.QualityReport;

/**
 * Applies {@link ReportDelta}s to the reports they change, kept by key in a store the caller gives
 * (a Kafka Streams store in the topology, a map offline), and returns each new report.
 */
final class ReportAggregator {
  private final Function<String, QualityReport> get;
  private final BiConsumer<String, QualityReport> put;

  ReportAggregator(Function<String, QualityReport> get, BiConsumer<String, QualityReport> put) {
    this.get = get;
    this.put = put;
  }

  QualityReport apply(ReportDelta delta) {
    return apply(delta.key().key(), delta);
  }

  /**
   * Applies several deltas of one report, in order, and builds, stores and returns the report once:
   * the same report as applying them one by one.
   */
  QualityReport applyAll(String key, List<ReportDelta> deltas) {
    ReportKey reportKey = deltas.get(0).key();
    QualityReport stored = get.apply(key);
    ReportBuilder builder =
        stored == null ? ReportBuilder.empty(reportKey) : ReportBuilder.from(reportKey, stored);
    for (ReportDelta delta : deltas) {
      delta.applyTo(builder);
    }
    QualityReport report = builder.build();
    put.accept(key, report);
    return report;
  }

  /** {@link #apply(ReportDelta)} with the delta's report key already written out. */
  QualityReport apply(String key, ReportDelta delta) {
    QualityReport stored = get.apply(key);
    ReportBuilder builder =
        stored == null ? ReportBuilder.empty(delta.key()) : ReportBuilder.from(delta.key(), stored);
    delta.applyTo(builder);
    QualityReport report = builder.build();
    put.accept(key, report);
    return report;
  }
}
