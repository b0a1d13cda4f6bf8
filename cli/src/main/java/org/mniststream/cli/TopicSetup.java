package org.mniststream.cli;

import java.time.Duration;
import java.util.Properties;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.TopicAdminException;
import org.mniststream.topics.TopicLayout;
import org.mniststream.topics.TopicProvisioner;

/**
 * Creates every missing topic of a local run (demo, bench, chaos, ITs) with the product's layout.
 */
final class TopicSetup {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TopicSetup() {}

  static void createAll(Properties clientProps, TopicNames topics, int partitions) {
    try (TopicProvisioner provisioner = TopicProvisioner.connect(clientProps, TIMEOUT)) {
      TopicLayout layout =
          new TopicLayout(
              topics, partitions, TopicLayout.replicationFactorFor(provisioner.brokerCount()));
      provisioner.createMissing(layout.topics());
    } catch (TopicAdminException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
