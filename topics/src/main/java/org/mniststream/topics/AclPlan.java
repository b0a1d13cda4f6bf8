package org.mniststream.topics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.mniststream.schemas.TopicNames;

/**
 * The one source of truth for who may do what on the product's topics: its principals ({@link
 * Role}) and the least-privilege ACLs of each. The {@code security acls} command prints and applies
 * it, the secure-broker ITs apply it to a real broker, and docs/SECURITY.md explains it.
 *
 * <p>Only ALLOW entries: a broker run with {@code allow.everyone.if.no.acl.found=false} refuses
 * whatever is not granted here. WRITE and READ imply DESCRIBE, so DESCRIBE is never listed apart.
 * Idempotent producers need no cluster right (WRITE on a topic is enough since Kafka 3.0, KIP-679).
 *
 * <p>A Kafka Streams app (the stream app, and its quality and judge side apps, whose application
 * ids are the stream app's with {@code -quality} and {@code -judge} appended) names its internal
 * topics, its consumer group and its transactional ids after its application id, so those are
 * granted by that prefix. The judge runs in the stream app's processes today ({@code
 * judge.enabled}), under the stream app's principal: {@link #of(TopicNames, String, boolean, Map)
 * judgeInStreamApp} then grants the judge's rights to the stream app's principal as well, which
 * lets it write rollouts.
 */
public final class AclPlan {

  /** The product's principals, each a job. */
  public enum Role {
    IMAGE_PRODUCER("image-producer", "upstream systems that send image events"),
    TRAINER("trainer", "trains, fine-tunes and publishes model versions"),
    STREAM_APP("stream-app", "the classifier and its live-quality app"),
    OPERATOR("operator", "rolls versions out and lists them (rollout, models)"),
    DASHBOARD("dashboard", "shows the stream; writes drawn digits and the labels people give"),
    JUDGE("judge", "decides judged rollouts from live quality");

    private final String userName;
    private final String job;

    Role(String userName, String job) {
      this.userName = userName;
      this.job = job;
    }

    /** The default user name: {@code User:<userName>} is the role's principal. */
    public String userName() {
      return userName;
    }

    public String job() {
      return job;
    }

    /** The role whose {@link #userName()} is {@code name}, if any. */
    public static Optional<Role> byUserName(String name) {
      return Arrays.stream(values()).filter(r -> r.userName.equals(name)).findFirst();
    }
  }

  /** One ALLOW entry: {@code principal} may do {@code operation} on a resource. */
  public record Grant(
      Role role,
      String principal,
      AclOperation operation,
      ResourceType resourceType,
      String resourceName,
      PatternType patternType) {

    public Grant {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(principal, "principal");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(resourceType, "resourceType");
      Objects.requireNonNull(resourceName, "resourceName");
      Objects.requireNonNull(patternType, "patternType");
    }

    /** The Admin API's form, from any host. */
    public AclBinding toBinding() {
      return new AclBinding(
          new ResourcePattern(resourceType, resourceName, patternType),
          new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    /** {@code kafka-acls.sh} options that add this grant. */
    public String kafkaAclsOptions() {
      String resource =
          switch (resourceType) {
            case TOPIC -> "--topic";
            case GROUP -> "--group";
            case TRANSACTIONAL_ID -> "--transactional-id";
            case CLUSTER -> "--cluster";
            default -> throw new IllegalStateException("not planned: " + resourceType);
          };
      return "--add --allow-principal "
          + principal
          + " --operation "
          + pascal(operation.name())
          + " "
          + resource
          + " '"
          + resourceName
          + "'"
          + (patternType == PatternType.LITERAL
              ? ""
              : " --resource-pattern-type " + patternType.name().toLowerCase(Locale.ROOT));
    }

    private static String pascal(String upperSnake) {
      return Arrays.stream(upperSnake.split("_"))
          .map(w -> w.charAt(0) + w.substring(1).toLowerCase(Locale.ROOT))
          .collect(Collectors.joining());
    }
  }

  private final List<Grant> grants;
  private final Map<Role, String> principals;

  private AclPlan(List<Grant> grants, Map<Role, String> principals) {
    this.grants = List.copyOf(grants);
    this.principals = Collections.unmodifiableMap(new EnumMap<>(principals));
  }

  /**
   * The plan for the product's topics named {@code topics}, a stream app whose application id is
   * {@code applicationId}, each role's principal {@code User:<userName>} unless {@code principals}
   * names another; {@code judgeInStreamApp} grants the judge's rights to the stream app too.
   */
  public static AclPlan of(
      TopicNames topics,
      String applicationId,
      boolean judgeInStreamApp,
      Map<Role, String> principals) {
    Objects.requireNonNull(topics, "topics");
    if (applicationId == null || applicationId.isBlank()) {
      throw new IllegalArgumentException("application id must not be blank");
    }
    Map<Role, String> names = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      String principal = principals.getOrDefault(role, "User:" + role.userName());
      if (!principal.matches("[A-Za-z]+:.+")) {
        throw new IllegalArgumentException(
            "not a principal (TYPE:NAME, e.g. User:alice): " + principal);
      }
      names.put(role, principal);
    }
    for (String topic : allTopics(topics)) {
      // The stream app owns every topic named after its application id (internal topics): a
      // product topic so named would fall under that grant, the models topic included.
      if (topic.startsWith(applicationId)) {
        throw new IllegalArgumentException(
            "topic "
                + topic
                + " starts with the application id "
                + applicationId
                + ": the stream app's grant on its internal topics would cover it");
      }
    }
    Builder b = new Builder(names);

    b.role(Role.IMAGE_PRODUCER).write(topics.images());

    // ModelPublisher: one transactional id per model name, mnist-trainer-<model>; it reads the
    // models topic (the parent of a fine-tune, the next version number) and the training data that
    // the continual loop follows; it checks the models topic's configuration before publishing.
    b.role(Role.TRAINER)
        .write(topics.models())
        .read(topics.models(), topics.labels(), topics.images())
        .describeConfigs(topics.models())
        .transactionalIdPrefix("mnist-trainer-");

    b.role(Role.STREAM_APP)
        .read(
            topics.images(),
            topics.models(),
            topics.rollouts(),
            topics.trustedKeys(),
            topics.labels(),
            // the quality app joins the predictions with the labels
            topics.predictions(),
            topics.shadowPredictions())
        .write(
            topics.predictions(),
            topics.shadowPredictions(),
            topics.deadLetters(),
            topics.quality(),
            topics.decisions(),
            topics.instances(),
            topics.review())
        // the start-up check compares every topic's configuration with the layout
        .describeConfigs(allTopics(topics))
        .streamsApp(applicationId);

    b.role(Role.OPERATOR)
        .write(topics.rollouts(), topics.trustedKeys())
        .read(
            topics.models(),
            topics.rollouts(),
            topics.trustedKeys(),
            topics.quality(),
            topics.decisions(),
            topics.instances());

    // Its main consumer (counts of events in, predictions, shadow predictions and dead letters) is
    // in a fresh group per dashboard, mnist-dashboard-<uuid>; its other consumers use no group.
    b.role(Role.DASHBOARD)
        .read(
            topics.images(),
            topics.predictions(),
            topics.shadowPredictions(),
            topics.deadLetters(),
            topics.instances(),
            topics.quality(),
            topics.rollouts(),
            topics.decisions(),
            topics.review())
        .write(topics.images(), topics.labels())
        .groupPrefix("mnist-dashboard-");

    List<Role> judges =
        judgeInStreamApp ? List.of(Role.JUDGE, Role.STREAM_APP) : List.of(Role.JUDGE);
    for (Role judge : judges) {
      b.role(judge)
          .read(topics.quality(), topics.rollouts())
          .write(topics.rollouts(), topics.decisions(), topics.deadLetters())
          .streamsApp(applicationId + "-judge");
    }
    return new AclPlan(b.grants(), names);
  }

  /** The plan with the default topic names, application id {@code mnist-stream}, judge apart. */
  public static AclPlan defaults() {
    return of(TopicNames.DEFAULTS, "mnist-stream", false, Map.of());
  }

  public List<Grant> grants() {
    return grants;
  }

  /** The grants of {@code role}, in plan order. */
  public List<Grant> grantsOf(Role role) {
    return grants.stream().filter(g -> g.role() == role).toList();
  }

  /** The principal of {@code role} in this plan. */
  public String principal(Role role) {
    return principals.get(role);
  }

  /** Every grant as the Admin API's binding, in plan order, without repeats. */
  public List<AclBinding> bindings() {
    return new ArrayList<>(
        grants.stream().map(Grant::toBinding).collect(Collectors.toCollection(LinkedHashSet::new)));
  }

  /** The plan as text: a header per role, then one line per grant. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (Role role : Role.values()) {
      out.append("# ").append(principal(role)).append(": ").append(role.job()).append('\n');
      for (Grant g : grantsOf(role)) {
        out.append(
            String.format(
                Locale.ROOT,
                "%-22s ALLOW %-16s %-16s %-8s %s%n",
                g.principal(),
                g.operation(),
                g.resourceType(),
                g.patternType(),
                g.resourceName()));
      }
    }
    return out.toString();
  }

  private static String[] allTopics(TopicNames topics) {
    return topics.toProperties().values().stream().sorted().toArray(String[]::new);
  }

  private static final class Builder {
    private final Map<Role, String> principals;
    private final Set<Grant> grants = new LinkedHashSet<>();
    private Role role;

    Builder(Map<Role, String> principals) {
      this.principals = principals;
    }

    Builder role(Role r) {
      this.role = r;
      return this;
    }

    Builder read(String... topics) {
      return topics(AclOperation.READ, topics);
    }

    Builder write(String... topics) {
      return topics(AclOperation.WRITE, topics);
    }

    Builder describeConfigs(String... topics) {
      return topics(AclOperation.DESCRIBE_CONFIGS, topics);
    }

    Builder groupPrefix(String prefix) {
      return add(AclOperation.READ, ResourceType.GROUP, prefix, PatternType.PREFIXED);
    }

    Builder transactionalIdPrefix(String prefix) {
      return add(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED);
    }

    /**
     * A Kafka Streams app: all on its internal topics ({@code <id>-...-changelog}, {@code
     * -repartition}, which it creates, describes and deletes records of), its group, and its
     * exactly-once transactional ids ({@code <id>-<process id>-<thread>}).
     */
    Builder streamsApp(String applicationId) {
      add(AclOperation.ALL, ResourceType.TOPIC, applicationId, PatternType.PREFIXED);
      groupPrefix(applicationId);
      return transactionalIdPrefix(applicationId);
    }

    private Builder topics(AclOperation op, String... topics) {
      for (String t : topics) {
        add(op, ResourceType.TOPIC, t, PatternType.LITERAL);
      }
      return this;
    }

    private Builder add(AclOperation op, ResourceType type, String name, PatternType pattern) {
      grants.add(new Grant(role, principals.get(role), op, type, name, pattern));
      return this;
    }

    List<Grant> grants() {
      return List.copyOf(grants);
    }
  }
}
