package org.mniststream.app;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.mniststream.app.config.AppSettings;
import org.mniststream.app.config.ClientConfigs;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.TopicAdminException;
import org.mniststream.topics.TopicLayout;
import org.mniststream.topics.TopicProvisioner;
import org.mniststream.topics.TopicProvisioner.Report;
import org.mniststream.topics.TopicProvisioner.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first thing the app does: wait (up to {@code startup.kafka-timeout-ms}) for the cluster to
 * answer, then check that every topic it reads or writes exists. A missing topic stops the start
 * with one line naming it and the command that creates it, or, with {@code
 * startup.create-topics=true}, is created with the layout of {@code mnist-stream topics}. Config
 * drift (say, a models topic that is not compacted) is logged, once per topic; partition counts and
 * replication are the operator's choice and are not the app's business here.
 *
 * <p>Without this check, Kafka Streams fails on a missing global-store topic with a stack trace, a
 * missing source topic stalls the app silently, and an unreachable broker only shows as client
 * warnings repeated forever.
 */
final class StartupTopicCheck {
  private static final Logger LOG = LoggerFactory.getLogger(StartupTopicCheck.class);
  private static final Duration ATTEMPT = Duration.ofSeconds(10);

  private StartupTopicCheck() {}

  static void run(Properties config, TopicNames names, AppSettings settings)
      throws StartupException, InterruptedException {
    Properties adminConfig = ClientConfigs.admin(config, "startup-check");
    String bootstrap = adminConfig.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
    Duration attempt =
        settings.kafkaTimeout().compareTo(ATTEMPT) < 0 ? settings.kafkaTimeout() : ATTEMPT;
    try (TopicProvisioner provisioner = TopicProvisioner.connect(adminConfig, attempt)) {
      int brokers = awaitCluster(provisioner, bootstrap, settings.kafkaTimeout());
      TopicLayout layout =
          new TopicLayout(
              names,
              TopicLayout.DEFAULT_IMAGE_PARTITIONS,
              TopicLayout.replicationFactorFor(brokers));
      List<Report> reports =
          settings.createTopics()
              ? provisioner.createMissing(layout.topics())
              : provisioner.check(layout.topics());
      List<String> missing =
          reports.stream()
              .filter(r -> r.state() == State.MISSING)
              .map(r -> r.spec().name())
              .toList();
      if (!missing.isEmpty()) {
        throw new StartupException(
            (missing.size() == 1 ? "missing topic " : "missing topics ")
                + String.join(", ", missing)
                + " on "
                + bootstrap
                + (missing.size() == 1 ? ": create it" : ": create them")
                + " with `mnist-stream topics --create --set bootstrap.servers="
                + bootstrap
                + "` (same config as the app), or start with --set "
                + AppSettings.STARTUP_CREATE_TOPICS
                + "=true");
      }
      for (Report r : reports) {
        String configDrift =
            r.drift().stream()
                .filter(TopicProvisioner.Drift::isConfig)
                .map(Object::toString)
                .collect(Collectors.joining("; "));
        if (!configDrift.isEmpty()) {
          LOG.warn(
              "Topic {} differs from the layout (actual (wanted)): {}; `mnist-stream topics"
                  + " --alter-configs` corrects it",
              r.spec().name(),
              configDrift);
        }
      }
    } catch (TopicAdminException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /** The number of brokers, once the cluster answers; one warning per failed attempt. */
  private static int awaitCluster(TopicProvisioner provisioner, String bootstrap, Duration timeout)
      throws StartupException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    TopicAdminException last = null;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new StartupException(
            "cannot reach Kafka at "
                + bootstrap
                + " within "
                + timeout.toSeconds()
                + " s ("
                + AppSettings.STARTUP_KAFKA_TIMEOUT_MS
                + "): check bootstrap.servers, the cluster and the client's security settings",
            last);
      }
      try {
        return provisioner.brokerCount();
      } catch (TopicAdminException e) {
        if (!(e.getCause() instanceof java.util.concurrent.TimeoutException
            || e.getCause() instanceof TimeoutException)) {
          throw new StartupException(e.getMessage(), e);
        }
        last = e;
        LOG.warn(
            "Kafka at {} does not answer yet; waiting up to {} s in all ({})",
            bootstrap,
            timeout.toSeconds(),
            AppSettings.STARTUP_KAFKA_TIMEOUT_MS);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }
}
