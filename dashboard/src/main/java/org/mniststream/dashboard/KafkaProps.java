package org.mniststream.dashboard;

import java.util.Properties;
import org.mniststream.schemas.TopicNames;

/** Client properties from the dashboard's configuration. */
final class KafkaProps {
  private KafkaProps() {}

  /**
   * A copy of {@code config} for a Kafka client: everything passes through (security, timeouts,
   * client ids) except the product's own {@code topics.*} names, which no client knows.
   */
  static Properties clientProperties(Properties config) {
    Properties props = new Properties();
    for (String name : config.stringPropertyNames()) {
      if (!TopicNames.KEYS.contains(name)) {
        props.put(name, config.getProperty(name));
      }
    }
    return props;
  }
}
