package org.mniststream.app.quality;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Properties;
import org.mniststream.app.SideApp;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;

/**
 * The live-quality Kafka Streams app: {@link QualityTopology} as a {@link SideApp} under the
 * classifier's application id with {@value #APPLICATION_ID_SUFFIX} appended, so the classifier's
 * instances never share its work.
 */
public final class QualityApp {
  public static final String APPLICATION_ID_SUFFIX = "-quality";

  private QualityApp() {}

  /** Builds the topology and its Kafka Streams from the app's layered configuration. */
  public static SideApp create(Properties config, MeterRegistry meters) {
    return new SideApp(
        "Quality",
        QualityTopology.build(
            TopicNames.from(config),
            QualitySettings.from(config),
            Clock.systemUTC(),
            new QualityMetrics(meters),
            ValueCodecs.of(ValueFormats.from(config))),
        streamsConfig(config));
  }

  /** The classifier's Kafka Streams configuration with this app's application id. */
  static Properties streamsConfig(Properties config) {
    return SideApp.streamsConfig(config, APPLICATION_ID_SUFFIX, QualitySettings.KEYS);
  }
}
