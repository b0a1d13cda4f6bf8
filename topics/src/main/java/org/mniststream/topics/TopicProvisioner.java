package org.mniststream.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the product's topics against a {@link TopicLayout} and creates the missing ones: what the
 * {@code topics} command and the stream app's start-up check do. Drift (a topic that exists with
 * other partitions, replication or configs than the layout's) is reported; only configs can be
 * corrected in place ({@link #alterConfigs}): partitions and replicas are an operator's decision
 * (adding partitions moves keys between them).
 *
 * <p>Every Kafka call is bounded by the timeout given; an unreachable cluster or a refused
 * operation is a {@link TopicAdminException} with a one-line message.
 */
public final class TopicProvisioner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final Duration VISIBLE_POLL = Duration.ofMillis(100);

  private final Admin admin;
  private final String bootstrapServers;
  private final Duration timeout;

  private TopicProvisioner(Admin admin, String bootstrapServers, Duration timeout) {
    this.admin = admin;
    this.bootstrapServers = bootstrapServers;
    this.timeout = timeout;
  }

  /**
   * A provisioner with its own admin client.
   *
   * @param adminConfig admin client settings (bootstrap servers, security, ...)
   * @param timeout the bound of each call to Kafka; also the client's own API timeout, so that no
   *     call outlives it
   */
  public static TopicProvisioner connect(Properties adminConfig, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    Properties p = new Properties();
    p.putAll(adminConfig);
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(millis));
    // the client refuses an API timeout below its request timeout
    long request =
        Long.parseLong(
            p.getProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(millis)));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(request, millis)));
    String bootstrap = p.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "(none)");
    return new TopicProvisioner(Admin.create(p), bootstrap, timeout);
  }

  /** Closes the admin client without waiting for calls that already timed out. */
  @Override
  public void close() {
    admin.close(Duration.ZERO);
  }

  /** What one topic looks like against its spec. */
  public enum State {
    OK,
    MISSING,
    DRIFT,
    CREATED,
    ALTERED
  }

  /** One difference between a topic and its spec. */
  public record Drift(String setting, String actual, String wanted) {
    static final String PARTITIONS = "partitions";
    static final String REPLICATION_FACTOR = "replication factor";

    /** True for a topic config (which {@link #alterConfigs} can correct), false for the layout. */
    public boolean isConfig() {
      return !setting.equals(PARTITIONS) && !setting.equals(REPLICATION_FACTOR);
    }

    @Override
    public String toString() {
      return setting + ": " + actual + " (" + wanted + ")";
    }
  }

  /**
   * @param drift each difference; empty unless DRIFT
   */
  public record Report(TopicSpec spec, State state, List<Drift> drift) {
    public Report {
      drift = List.copyOf(drift);
    }

    /** One line for the {@code topics} command and the logs. */
    public String line() {
      return String.format(
          "%-9s %-28s %s",
          state,
          spec.name(),
          drift.isEmpty()
              ? spec.partitions()
                  + (spec.partitions() == 1 ? " partition" : " partitions")
                  + ", replication "
                  + spec.replicationFactor()
              : drift.stream().map(Drift::toString).collect(Collectors.joining("; ")));
    }
  }

  /** The number of brokers of the cluster; throws when it cannot be reached within the timeout. */
  public int brokerCount() throws TopicAdminException {
    return await(admin.describeCluster().nodes(), "describe the cluster").size();
  }

  /** Each spec's topic as it is on the cluster: OK, MISSING or DRIFT. */
  public List<Report> check(List<TopicSpec> specs) throws TopicAdminException {
    Set<String> existing = await(admin.listTopics().names(), "list topics");
    List<TopicSpec> present = specs.stream().filter(s -> existing.contains(s.name())).toList();
    Map<String, TopicDescription> descriptions =
        present.isEmpty()
            ? Map.of()
            : await(admin.describeTopics(names(present)).allTopicNames(), "describe topics");
    Map<ConfigResource, Config> configs =
        present.isEmpty()
            ? Map.of()
            : await(
                admin
                    .describeConfigs(
                        present.stream()
                            .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name()))
                            .toList())
                    .all(),
                "describe topic configs");
    List<Report> reports = new ArrayList<>();
    for (TopicSpec spec : specs) {
      if (!existing.contains(spec.name())) {
        reports.add(new Report(spec, State.MISSING, List.of()));
        continue;
      }
      List<Drift> drift =
          drift(
              spec,
              descriptions.get(spec.name()),
              configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name())));
      reports.add(new Report(spec, drift.isEmpty() ? State.OK : State.DRIFT, drift));
    }
    return reports;
  }

  /**
   * Creates the topics of {@code specs} that are missing and returns every spec's report (CREATED
   * for those it created; a topic created by someone else meanwhile counts as existing).
   */
  public List<Report> createMissing(List<TopicSpec> specs) throws TopicAdminException {
    List<Report> before = check(specs);
    List<NewTopic> missing =
        before.stream()
            .filter(r -> r.state() == State.MISSING)
            .map(r -> newTopic(r.spec()))
            .toList();
    if (missing.isEmpty()) {
      return before;
    }
    Map<String, ? extends Future<Void>> results = admin.createTopics(missing).values();
    List<Report> after = new ArrayList<>();
    for (Report r : before) {
      if (r.state() != State.MISSING) {
        after.add(r);
        continue;
      }
      try {
        await(results.get(r.spec().name()), "create topic " + r.spec().name());
        Report created = new Report(r.spec(), State.CREATED, List.of());
        LOG.info("{}", created.line());
        after.add(created);
      } catch (TopicAdminException e) {
        if (e.getCause() instanceof TopicExistsException) {
          after.add(new Report(r.spec(), State.OK, List.of()));
        } else {
          throw e;
        }
      }
    }
    awaitVisible(missing.stream().map(NewTopic::name).toList());
    return after;
  }

  /**
   * Waits until the brokers list the topics just created: the controller answers before every
   * broker's metadata has them, and a client started right after (the stream app) must find them.
   */
  private void awaitVisible(List<String> topics) throws TopicAdminException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!await(admin.listTopics().names(), "list topics").containsAll(topics)) {
      if (System.nanoTime() - deadline > 0) {
        throw new TopicAdminException(
            "topics "
                + topics
                + " were created but not listed within "
                + timeout.toSeconds()
                + " s");
      }
      try {
        Thread.sleep(VISIBLE_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TopicAdminException("interrupted while waiting for new topics", e);
      }
    }
  }

  /**
   * Sets the configs of the drifted topics of {@code reports} to the layout's; partition and
   * replica drift stays (reported again by the next check).
   */
  public List<Report> alterConfigs(List<Report> reports) throws TopicAdminException {
    Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
    for (Report r : reports) {
      if (r.state() == State.DRIFT) {
        ops.put(
            new ConfigResource(ConfigResource.Type.TOPIC, r.spec().name()),
            r.spec().configs().entrySet().stream()
                .map(
                    e ->
                        new AlterConfigOp(
                            new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList());
      }
    }
    if (ops.isEmpty()) {
      return reports;
    }
    await(admin.incrementalAlterConfigs(ops).all(), "alter topic configs");
    List<Report> after = check(reports.stream().map(Report::spec).toList());
    List<Report> out = new ArrayList<>();
    for (int i = 0; i < after.size(); i++) {
      boolean wasDrift = reports.get(i).state() == State.DRIFT;
      Report now = after.get(i);
      out.add(
          wasDrift && now.state() == State.OK
              ? new Report(now.spec(), State.ALTERED, List.of())
              : now);
    }
    return out;
  }

  static List<Drift> drift(TopicSpec spec, TopicDescription description, Config config) {
    List<Drift> drift = new ArrayList<>();
    int partitions = description.partitions().size();
    if (partitions != spec.partitions()) {
      drift.add(
          new Drift(
              Drift.PARTITIONS, Integer.toString(partitions), Integer.toString(spec.partitions())));
    }
    int replicas = description.partitions().get(0).replicas().size();
    if (replicas != spec.replicationFactor()) {
      drift.add(
          new Drift(
              Drift.REPLICATION_FACTOR,
              Integer.toString(replicas),
              Short.toString(spec.replicationFactor())));
    }
    for (Map.Entry<String, String> wanted : spec.configs().entrySet()) {
      ConfigEntry actual = config == null ? null : config.get(wanted.getKey());
      String value = actual == null ? null : actual.value();
      if (!wanted.getValue().equals(value)) {
        drift.add(new Drift(wanted.getKey(), value, wanted.getValue()));
      }
    }
    return drift;
  }

  private static NewTopic newTopic(TopicSpec spec) {
    return new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
        .configs(spec.configs());
  }

  private static List<String> names(List<TopicSpec> specs) {
    return specs.stream().map(TopicSpec::name).collect(Collectors.toList());
  }

  private <T> T await(Future<T> future, String what) throws TopicAdminException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw unreachable(what, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(what, cause);
      }
      if (cause instanceof AuthorizationException) {
        throw new TopicAdminException(
            "not authorized to " + what + " on " + bootstrapServers + ": " + cause.getMessage(),
            cause);
      }
      throw new TopicAdminException(
          "cannot " + what + " on " + bootstrapServers + ": " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicAdminException("interrupted while trying to " + what, e);
    }
  }

  private TopicAdminException unreachable(String what, Throwable cause) {
    return new TopicAdminException(
        "cannot reach Kafka at "
            + bootstrapServers
            + " within "
            + timeout.toSeconds()
            + " s (to "
            + what
            + "): check bootstrap.servers, the cluster and the client's security settings",
        cause);
  }
}
