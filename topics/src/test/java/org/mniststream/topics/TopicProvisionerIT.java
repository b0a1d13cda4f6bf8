package org.mniststream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.TopicNames;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.topics.TopicProvisioner.Report;
import org.mniststream.topics.TopicProvisioner.State;

class TopicProvisionerIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private final KafkaFixture kafka = KafkaFixture.shared();
  private Admin admin;
  private TopicLayout layout;
  private TopicProvisioner provisioner;

  @BeforeEach
  void setUp() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    admin = Admin.create(props);
    String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
    TopicNames names = TopicNames.withPrefix(prefix);
    layout = new TopicLayout(names, 2, (short) 1);
    provisioner = TopicProvisioner.connect(props, TIMEOUT);
  }

  @AfterEach
  void tearDown() {
    provisioner.close();
    admin.close();
  }

  @Test
  void shouldReportMissingTopicsThenCreateThemWithTheLayoutsSettings() throws Exception {
    assertThat(provisioner.check(layout.topics()))
        .extracting(Report::state)
        .containsOnly(State.MISSING);

    assertThat(provisioner.createMissing(layout.topics()))
        .extracting(Report::state)
        .containsOnly(State.CREATED);

    List<Report> after = provisioner.check(layout.topics());
    assertThat(after).extracting(Report::state).containsOnly(State.OK);
    assertThat(provisioner.createMissing(layout.topics()))
        .extracting(Report::state)
        .containsOnly(State.OK);
    assertThat(provisioner.brokerCount()).isEqualTo(1);
  }

  @Test
  void shouldReportDriftAndCorrectTheConfigsButNotThePartitions() throws Exception {
    TopicSpec models = layout.topic(layout.names().models()).orElseThrow();
    TopicSpec images = layout.topic(layout.names().images()).orElseThrow();
    admin
        .createTopics(
            List.of(
                new NewTopic(models.name(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete", "max.message.bytes", "1048576")),
                new NewTopic(images.name(), 1, (short) 1)))
        .all()
        .get();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(provisioner.check(List.of(models, images)))
                    .extracting(Report::state)
                    .containsExactly(State.DRIFT, State.DRIFT));
    List<Report> drifted = provisioner.check(List.of(models, images));
    assertThat(drifted.get(0).drift())
        .extracting(TopicProvisioner.Drift::toString)
        .containsExactlyInAnyOrder(
            "cleanup.policy: delete (compact)", "max.message.bytes: 1048576 (4194304)");
    assertThat(drifted.get(1).drift())
        .extracting(TopicProvisioner.Drift::toString)
        .containsExactly("partitions: 1 (2)");
    assertThat(drifted.get(1).drift().get(0).isConfig()).isFalse();
    assertThat(drifted.get(0).drift()).allMatch(TopicProvisioner.Drift::isConfig);

    List<Report> altered = provisioner.alterConfigs(drifted);
    assertThat(altered).extracting(Report::state).containsExactly(State.ALTERED, State.DRIFT);
    assertThat(provisioner.check(List.of(models)))
        .extracting(Report::state)
        .containsExactly(State.OK);
  }

  @Test
  void shouldSayInOneLineThatKafkaCannotBeReached() {
    Properties props = new Properties();
    // port 1 (tcpmux): nothing listens there on a test machine
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    long start = System.nanoTime();
    try (TopicProvisioner unreachable = TopicProvisioner.connect(props, Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> unreachable.check(layout.topics()))
          .isInstanceOf(TopicAdminException.class)
          .hasMessage(
              "cannot reach Kafka at 127.0.0.1:1 within 2 s (to list topics): check"
                  + " bootstrap.servers, the cluster and the client's security settings");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
  }
}
