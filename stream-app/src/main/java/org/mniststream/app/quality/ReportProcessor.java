package org.mniststream.app.quality;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.mniststream.schemas.QualityReport;

/**
 * Where a report is kept (input partitioned by report key): applies each {@link ReportDelta} with
 * the {@link ReportAggregator} and publishes the new report.
 */
final class ReportProcessor implements Processor<String, ReportDelta, String, QualityReport> {
  private final QualityMetrics metrics;
  private ProcessorContext<String, QualityReport> context;
  private ReportAggregator aggregator;

  ReportProcessor(QualityMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, QualityReport> context) {
    this.context = context;
    KeyValueStore<String, QualityReport> reports =
        context.getStateStore(QualityTopology.REPORTS_STORE);
    this.aggregator = new ReportAggregator(reports::get, reports::put);
  }

  @Override
  public void process(Record<String, ReportDelta> record) {
    context.forward(record.withValue(aggregator.apply(record.key(), record.value())));
    metrics.reportsPublished(1);
  }
}
