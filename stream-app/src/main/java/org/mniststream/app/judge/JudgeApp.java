package org.mniststream.app.judge;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.mniststream.app.SideApp;
import org.mniststream.app.quality.QualitySettings;
import org.mniststream.schemas.TopicNames;

/**
 * The rollout judge as a Kafka Streams app: {@link JudgeTopology} as a {@link SideApp} under the
 * classifier's application id with {@value #APPLICATION_ID_SUFFIX} appended, one stream thread. It
 * runs in every stream-app process that runs the quality app ({@code quality.enabled=true}) unless
 * {@value #ENABLED} is false; its one task lives on one of them at a time.
 */
public final class JudgeApp {
  public static final String APPLICATION_ID_SUFFIX = "-judge";

  /** Runs the judge where the quality app runs (default true). */
  public static final String ENABLED = "judge.enabled";

  /** Every key of the judge's settings. */
  public static final List<String> KEYS = List.of(ENABLED);

  private JudgeApp() {}

  public static SideApp create(Properties config, MeterRegistry meters) {
    return new SideApp(
        "Judge",
        JudgeTopology.build(TopicNames.from(config), Clock.systemUTC(), new JudgeMetrics(meters)),
        streamsConfig(config));
  }

  /** Whether {@code config} asks for the judge: the quality app runs and the judge is not off. */
  public static boolean enabled(Properties config) {
    String value = config.getProperty(ENABLED, "true").trim();
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(ENABLED + " must be true or false, got " + value);
    }
    return QualitySettings.from(config).enabled() && Boolean.parseBoolean(value);
  }

  /** The classifier's Kafka Streams configuration with this app's application id, one thread. */
  static Properties streamsConfig(Properties config) {
    List<String> ownKeys = new ArrayList<>(QualitySettings.KEYS);
    ownKeys.addAll(KEYS);
    Properties p = SideApp.streamsConfig(config, APPLICATION_ID_SUFFIX, ownKeys);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    return p;
  }
}
