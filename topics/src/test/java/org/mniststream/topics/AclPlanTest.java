package org.mniststream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.AclPlan.Role;

class AclPlanTest {

  private static final TopicNames T = TopicNames.DEFAULTS;

  @Test
  void shouldLetTheImageProducerWriteImageEventsAndNothingElse() {
    assertThat(lines(AclPlan.defaults(), Role.IMAGE_PRODUCER))
        .containsExactly("WRITE TOPIC LITERAL mnist.image-events");
  }

  @Test
  void shouldLetOnlyTheTrainerWriteModels() {
    AclPlan plan = AclPlan.defaults();

    assertThat(writersOf(plan, T.models())).containsExactly(Role.TRAINER);
    assertThat(lines(plan, Role.TRAINER))
        .contains(
            "WRITE TOPIC LITERAL mnist.models",
            "READ TOPIC LITERAL mnist.labels",
            "WRITE TRANSACTIONAL_ID PREFIXED mnist-trainer-");
  }

  @Test
  void shouldLetOnlyTheOperatorAndTheJudgeWriteRollouts() {
    assertThat(writersOf(AclPlan.defaults(), T.rollouts()))
        .containsExactlyInAnyOrder(Role.OPERATOR, Role.JUDGE);
  }

  @Test
  void shouldLetOnlyTheOperatorWriteTrustedKeysAndTheStreamAppReadThem() {
    AclPlan plan = AclPlan.of(T, "mnist-stream", true, Map.of());

    assertThat(writersOf(plan, T.trustedKeys())).containsExactly(Role.OPERATOR);
    assertThat(lines(plan, Role.STREAM_APP)).contains("READ TOPIC LITERAL mnist.trusted-keys");
  }

  @Test
  void shouldGrantTheJudgesRightsToTheStreamAppWhenTheJudgeRunsInIt() {
    AclPlan plan = AclPlan.of(T, "mnist-stream", true, Map.of());

    assertThat(writersOf(plan, T.rollouts()))
        .containsExactlyInAnyOrder(Role.OPERATOR, Role.JUDGE, Role.STREAM_APP);
  }

  @Test
  void shouldGiveTheStreamAppItsOwnTopicsGroupAndTransactionsByApplicationId() {
    AclPlan plan = AclPlan.of(T, "app-7", false, Map.of());

    assertThat(lines(plan, Role.STREAM_APP))
        .contains(
            "READ TOPIC LITERAL mnist.image-events",
            "WRITE TOPIC LITERAL mnist.predictions",
            "ALL TOPIC PREFIXED app-7",
            "READ GROUP PREFIXED app-7",
            "WRITE TRANSACTIONAL_ID PREFIXED app-7")
        .doesNotContain(
            "WRITE TOPIC LITERAL mnist.models", "WRITE TOPIC LITERAL mnist.model-rollouts");
  }

  @Test
  void shouldNeverLetTheDashboardWriteModelsOrRollouts() {
    assertThat(lines(AclPlan.defaults(), Role.DASHBOARD))
        .contains("WRITE TOPIC LITERAL mnist.image-events", "READ GROUP PREFIXED mnist-dashboard-")
        .noneMatch(l -> l.startsWith("WRITE") && l.contains("mnist.model"))
        .noneMatch(l -> l.startsWith("ALL"));
  }

  @Test
  void shouldNameTheTopicsWithThePrefixAndThePrincipalsAsGiven() {
    AclPlan plan =
        AclPlan.of(
            TopicNames.withPrefix("staging."),
            "mnist-stream",
            false,
            Map.of(Role.IMAGE_PRODUCER, "User:CN=scanner-gateway"));

    assertThat(plan.grantsOf(Role.IMAGE_PRODUCER))
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.principal()).isEqualTo("User:CN=scanner-gateway");
              assertThat(g.resourceName()).isEqualTo("staging.mnist.image-events");
            });
  }

  @Test
  void shouldRefuseTopicsThatTheStreamAppsInternalTopicGrantWouldCover() {
    assertThatThrownBy(
            () ->
                AclPlan.of(TopicNames.withPrefix("mnist-stream."), "mnist-stream", false, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("starts with the application id");
  }

  @Test
  void shouldRefuseAPrincipalWithoutAType() {
    assertThatThrownBy(() -> AclPlan.of(T, "mnist-stream", false, Map.of(Role.TRAINER, "trainer")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a principal");
  }

  @Test
  void shouldWriteKafkaAclsOptions() {
    AclPlan.Grant grant =
        AclPlan.defaults().grantsOf(Role.TRAINER).stream()
            .filter(g -> g.resourceType() == ResourceType.TRANSACTIONAL_ID)
            .findFirst()
            .orElseThrow();

    assertThat(grant.kafkaAclsOptions())
        .isEqualTo(
            "--add --allow-principal User:trainer --operation Write --transactional-id"
                + " 'mnist-trainer-' --resource-pattern-type prefixed");
  }

  @Test
  void shouldListEachBindingOnce() {
    AclPlan plan = AclPlan.of(T, "mnist-stream", true, Map.of());

    assertThat(plan.bindings()).doesNotHaveDuplicates().hasSize(plan.grants().size());
  }

  private static List<String> lines(AclPlan plan, Role role) {
    return plan.grantsOf(role).stream()
        .map(
            g ->
                g.operation()
                    + " "
                    + g.resourceType()
                    + " "
                    + g.patternType()
                    + " "
                    + g.resourceName())
        .toList();
  }

  private static List<Role> writersOf(AclPlan plan, String topic) {
    return plan.grants().stream()
        .filter(g -> g.resourceType() == ResourceType.TOPIC)
        .filter(g -> g.patternType() == PatternType.LITERAL && g.resourceName().equals(topic))
        .filter(g -> g.operation() == AclOperation.WRITE || g.operation() == AclOperation.ALL)
        .map(AclPlan.Grant::role)
        .distinct()
        .toList();
  }
}
