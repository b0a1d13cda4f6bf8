package org.mniststream.app;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.mniststream.app.config.AppConfig;
import org.mniststream.app.config.AppSettings;
import org.mniststream.app.config.ClientConfigs;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.app.judge.PolicyFile;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.app.models.RoutingPlan;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.InstanceHeartbeat;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.RolloutStage;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.FleetView;
import org.mniststream.topics.ModelsTopicContents;
import org.mniststream.topics.TopicAdminException;
import org.mniststream.topics.TopicLayout;
import org.mniststream.topics.TopicProvisioner;
import org.mniststream.topics.TopicReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The stream app's command line: {@code run} the classifier, publish a {@code rollout}, list the
 * {@code models}. Every subcommand reads the layered configuration (defaults, {@code --config}
 * file, {@code MNIST_*} environment variables, {@code -D}/{@code --set} flags).
 *
 * <p>Exit codes: {@value #OK} success; {@value #FAILED} failure at run time (broker unreachable,
 * the app failed); {@value #USAGE} invalid usage or configuration (a policy file included); {@value
 * #REFUSED} a rollout names versions that are not on the models topic (use {@code --force} to
 * publish anyway) or that every instance refuses (signed by a revoked key, below {@code
 * model.min-version}), or {@code rollout --auto} cannot start (no baseline, the candidate is the
 * baseline, another candidate is being judged); {@value #TOPICS_NOT_AS_LAID_OUT} {@code topics}
 * found a topic missing or different from the layout.
 */
@Command(
    name = "stream-app",
    mixinStandardHelpOptions = true,
    version = "mnist-stream stream-app 0.1.0",
    description = "Kafka Streams MNIST classifier with hot-swapped models.",
    subcommands = {
      StreamAppCli.Run.class,
      StreamAppCli.Rollout.class,
      StreamAppCli.Models.class,
      StreamAppCli.Topics.class,
      KeysCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure at run time (broker unreachable, app failed)",
      "2:invalid usage or configuration",
      "3:rollout refused: it names versions not on the models topic, or revoked or below the floor,"
          + " or --auto cannot start",
      "4:topics: a topic is missing or differs from the layout"
    })
public final class StreamAppCli implements Callable<Integer> {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int REFUSED = 3;
  public static final int TOPICS_NOT_AS_LAID_OUT = 4;

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, String> env;

  @Spec CommandLine.Model.CommandSpec spec;

  StreamAppCli(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** Runs the command line and returns its exit code; never calls System.exit. */
  public static int execute(String... args) {
    return execute(
        System.getenv(),
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        args);
  }

  static int execute(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new StreamAppCli(env));
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof IllegalArgumentException) {
            commandLine.getErr().println("Invalid configuration: " + e.getMessage());
            return USAGE;
          }
          commandLine.getErr().println("Failed: " + e);
          return FAILED;
        });
    return cli.execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** The environment the layered configuration reads {@code MNIST_*} variables from. */
  Map<String, String> env() {
    return env;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return USAGE;
  }

  /** The configuration options every subcommand takes. */
  static final class ConfigOptions {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Properties file (keys as in the docs; Kafka keys pass through).")
    Path file;

    @Option(
        names = "-D",
        paramLabel = "KEY=VALUE",
        description = "Set a property (repeatable); wins over the file and MNIST_* variables.")
    Map<String, String> defines = new LinkedHashMap<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Same as -D.")
    Map<String, String> sets = new LinkedHashMap<>();

    Properties load(Map<String, String> env) {
      Map<String, String> flags = new LinkedHashMap<>(defines);
      flags.putAll(sets);
      return AppConfig.load(Optional.ofNullable(file), env, flags);
    }
  }

  /** What every subcommand has: the layered configuration and its own command spec. */
  abstract static class Subcommand implements Callable<Integer> {
    @CommandLine.ParentCommand StreamAppCli parent;
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin ConfigOptions options;

    /** Defaults, the {@code --config} file, {@code MNIST_*} variables, then the flags. */
    Properties config() {
      return options.load(parent.env);
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run the classifier until SIGTERM/SIGINT, then close gracefully (commit, leave).",
        "Waits for a servable model before consuming images; /ready says when."
      })
  static final class Run extends Subcommand {

    @Override
    public Integer call() throws Exception {
      return StreamApp.runUntilShutdown(config()) == 0 ? OK : FAILED;
    }
  }

  @Command(
      name = "rollout",
      mixinStandardHelpOptions = true,
      description = {
        "Publish a ModelRollout (key = model name) to the rollouts topic.",
        "Options not given keep the values of the current rollout; a manual edit ends a judged",
        "rollout (its record carries no policy).",
        "--auto VERSION instead hands VERSION to the judge: it starts in the policy's first stage",
        "against the version active now, and the judge promotes or rolls it back by itself."
      })
  static final class Rollout extends Subcommand {

    @Option(names = "--model", description = "Model name (default: model.name).")
    String model;

    @Option(names = "--pin", paramLabel = "N", description = "Pin version N as active.")
    Long pin;

    @Option(names = "--latest", description = "Follow the newest valid version (unpin).")
    boolean latest;

    @Option(names = "--canary", paramLabel = "N", description = "Canary version N.")
    Long canary;

    @Option(names = "--percent", paramLabel = "P", description = "Share of keys (0-100).")
    Integer percent;

    @Option(names = "--clear-canary", description = "Remove the canary.")
    boolean clearCanary;

    @Option(names = "--shadow", paramLabel = "N", description = "Shadow version N.")
    Long shadow;

    @Option(names = "--clear-shadow", description = "Remove the shadow.")
    boolean clearShadow;

    @Option(names = "--reason", description = "Why (kept in the audit trail).")
    String reason;

    @Option(
        names = "--issued-by",
        description = "Who issues it (default: the user name).",
        defaultValue = "${sys:user.name}")
    String issuedBy;

    @Option(names = "--force", description = "Publish even if the versions are not on the topic.")
    boolean force;

    @Option(
        names = "--auto",
        paramLabel = "VERSION",
        description =
            "Judged rollout of VERSION against the active version, stage by stage (see --policy);"
                + " not with the manual options.")
    Long auto;

    @Option(
        names = "--policy",
        paramLabel = "FILE",
        description =
            "With --auto: the rollout policy, JSON (default: docs/policies/default.json, the"
                + " README's default policy).")
    Path policyFile;

    @Option(
        names = "--paired-percent",
        paramLabel = "P",
        description =
            "With --auto: share (0-100) of a canary's events the active version scores too"
                + " (default: the app's canary.paired-percent).")
    Integer pairedPercent;

    @Override
    public Integer call() throws Exception {
      if (auto != null) {
        return judged();
      }
      if (policyFile != null || pairedPercent != null) {
        throw new ParameterException(
            spec.commandLine(), "--policy and --paired-percent go with --auto VERSION");
      }
      Properties props = config();
      TopicNames topics = TopicNames.from(props);
      String name = model != null ? model : AppSettings.from(props).modelName();
      RolloutEdit edit =
          new RolloutEdit(
              pin == null ? OptionalLong.empty() : OptionalLong.of(pin),
              latest,
              canary == null ? OptionalLong.empty() : OptionalLong.of(canary),
              percent == null ? OptionalInt.empty() : OptionalInt.of(percent),
              clearCanary,
              shadow == null ? OptionalLong.empty() : OptionalLong.of(shadow),
              clearShadow);
      List<String> problems = edit.problems();
      if (!problems.isEmpty()) {
        throw new ParameterException(spec.commandLine(), String.join("; ", problems));
      }
      ControlTopics state = ControlTopics.read(props, topics, name);
      problems = edit.problemsWith(state.rollout());
      if (!problems.isEmpty()) {
        throw new ParameterException(spec.commandLine(), String.join("; ", problems));
      }
      PrintWriter out = spec.commandLine().getOut();
      List<Long> missing =
          edit.referencedVersions().stream().filter(v -> !state.versions().containsKey(v)).toList();
      if (!missing.isEmpty() && !force) {
        spec.commandLine()
            .getErr()
            .println(
                "Refused: versions "
                    + missing
                    + " of "
                    + name
                    + " are not on "
                    + topics.models()
                    + " (use --force to publish anyway)");
        return REFUSED;
      }
      List<String> blocked =
          KeysCommand.refusals(
              KeysCommand.policy(props, topics), state.versions(), edit.referencedVersions());
      if (!blocked.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println(
                "Refused: "
                    + String.join("; ", blocked)
                    + ": every instance would refuse this rollout");
        return REFUSED;
      }
      ModelRollout next = edit.applyTo(state.rollout(), name, Instant.now(), issuedBy, reason);
      publish(props, topics, name, next);
      out.println("Was:       " + RolloutEdit.describe(state.rollout()));
      out.println("Published: " + RolloutEdit.describe(next));
      return OK;
    }

    /** {@code --auto}: the first stage of a judged rollout, against the version active now. */
    private int judged() throws Exception {
      List<String> manual = manualOptionsGiven();
      if (!manual.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            "--auto cannot be combined with "
                + String.join(", ", manual)
                + ": the judge decides the routes (a manual rollout ends a judged one)");
      }
      if (pairedPercent != null && (pairedPercent < 0 || pairedPercent > 100)) {
        throw new ParameterException(
            spec.commandLine(), "--paired-percent must be 0..100, got " + pairedPercent);
      }
      PrintWriter err = spec.commandLine().getErr();
      RolloutPolicy policy;
      String policySource;
      if (policyFile == null) {
        policy = RolloutPolicies.defaultPolicy();
        policySource = "the default policy";
      } else {
        policySource = "policy file " + policyFile;
        try {
          policy = PolicyFile.read(policyFile);
        } catch (PolicyFile.Invalid e) {
          err.println(e.getMessage());
          return USAGE;
        }
      }
      List<String> policyProblems = RolloutPolicies.problems(policy);
      if (!policyProblems.isEmpty()) {
        policyProblems.forEach(p -> err.println(policySource + ": " + p));
        return USAGE;
      }
      Properties props = config();
      TopicNames topics = TopicNames.from(props);
      String name = model != null ? model : AppSettings.from(props).modelName();
      ControlTopics state = ControlTopics.read(props, topics, name);
      long candidate = auto;
      if (!state.versions().containsKey(candidate) && !force) {
        err.println(
            "Refused: version "
                + candidate
                + " of "
                + name
                + " is not on "
                + topics.models()
                + " (use --force to publish anyway)");
        return REFUSED;
      }
      List<String> blocked =
          KeysCommand.refusals(
              KeysCommand.policy(props, topics), state.versions(), List.of(candidate));
      if (!blocked.isEmpty()) {
        err.println("Refused: " + String.join("; ", blocked) + ": every instance would refuse it");
        return REFUSED;
      }
      Optional<RoutingPlan> plan = state.plan();
      if (plan.isEmpty()) {
        err.println(
            "Refused: no valid version of "
                + name
                + " on "
                + topics.models()
                + " is active, so there is no baseline to judge v"
                + candidate
                + " against");
        return REFUSED;
      }
      long baseline = plan.get().active();
      if (candidate == baseline) {
        boolean newestUnpinned =
            state.rollout() == null || state.rollout().getActiveVersion() == null;
        err.println(
            "Refused: v"
                + candidate
                + " is the active version of "
                + name
                + " (the baseline): nothing to judge it against"
                + (newestUnpinned
                    ? "; it serves because it is the newest and nothing is pinned: pin the"
                        + " version you trust (rollout --pin N) before publishing a candidate,"
                        + " then rollout --auto"
                    : ""));
        return REFUSED;
      }
      ModelRollout current = state.rollout();
      if (JudgedRollouts.isJudged(current) && current.getCandidateVersion() != candidate) {
        err.println(
            "Refused: v"
                + current.getCandidateVersion()
                + " of "
                + name
                + " is being judged (stage "
                + current.getStage()
                + ", against v"
                + current.getBaselineVersion()
                + "); end that rollout with a manual one first (e.g. rollout --pin "
                + current.getBaselineVersion()
                + ")");
        return REFUSED;
      }
      ModelRollout next =
          JudgedRollouts.forStage(
              name, policy, candidate, baseline, 0, Instant.now(), pairedPercent, issuedBy, reason);
      publish(props, topics, name, next);
      PrintWriter out = spec.commandLine().getOut();
      RolloutStage first = policy.getStages().get(0);
      out.println("Was:       " + RolloutEdit.describe(current));
      out.println("Published: " + RolloutEdit.describe(next));
      out.println(
          "Judging v"
              + candidate
              + " against v"
              + baseline
              + ": stage 0 "
              + first.getName()
              + " ("
              + first.getRoute()
              + (RolloutPolicies.CANARY.equals(first.getRoute())
                  ? " " + first.getPercent() + "%"
                  : "")
              + "), paired "
              + (pairedPercent == null
                  ? "as the app's canary.paired-percent"
                  : pairedPercent + "%"));
      out.println("Policy (" + policySource + "): " + PolicyFile.describe(policy));
      return OK;
    }

    private List<String> manualOptionsGiven() {
      List<String> given = new ArrayList<>();
      if (pin != null) {
        given.add("--pin");
      }
      if (latest) {
        given.add("--latest");
      }
      if (canary != null) {
        given.add("--canary");
      }
      if (percent != null) {
        given.add("--percent");
      }
      if (clearCanary) {
        given.add("--clear-canary");
      }
      if (shadow != null) {
        given.add("--shadow");
      }
      if (clearShadow) {
        given.add("--clear-shadow");
      }
      return given;
    }

    /** The one way a rollout goes out: an idempotent producer, acknowledged by every replica. */
    private static void publish(
        Properties props, TopicNames topics, String name, ModelRollout rollout) throws Exception {
      byte[] value = ContractSerdes.modelRollout().encode(rollout);
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(ClientConfigs.producer(props, "rollout-cli"))) {
        producer
            .send(
                new ProducerRecord<>(
                    topics.rollouts(), name.getBytes(StandardCharsets.UTF_8), value))
            .get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  @Command(
      name = "models",
      mixinStandardHelpOptions = true,
      description = {
        "List the versions on the models topic with their metrics, the rollout and what serves,",
        "the judged rollout's stage, each version's live quality and the judge's decisions."
      })
  static final class Models extends Subcommand {

    @Option(names = "--model", description = "Model name (default: model.name).")
    String model;

    @Override
    public Integer call() throws Exception {
      Properties props = config();
      String name = model != null ? model : AppSettings.from(props).modelName();
      TopicNames topics = TopicNames.from(props);
      ControlTopics state = ControlTopics.read(props, topics, name);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "%-8s %-8s %-24s %9s %9s %7s %-16s %s%n",
          "VERSION", "ARCH", "CREATED", "TEST_ACC", "TEST_LOSS", "N", "SHA256", "SIGNED_BY");
      for (ModelVersion v : state.versions().values()) {
        out.printf(
            "%-8d %-8s %-24s %9.4f %9.4f %7d %-16s %s%n",
            v.getVersion(),
            v.getArchitecture(),
            v.getCreatedAt(),
            v.getMetrics().getTestAccuracy(),
            v.getMetrics().getTestLoss(),
            v.getMetrics().getTestSize(),
            v.getParametersSha256().substring(0, Math.min(16, v.getParametersSha256().length())),
            v.getSigningKeyId() == null ? "-" : v.getSigningKeyId());
        provenanceLines(v).forEach(out::println);
      }
      for (String bad : state.undecodable()) {
        out.println("undecodable record: " + bad);
      }
      out.println(
          state.versions().size() + " version(s) of " + name + " on " + topics.models() + ".");
      Instant now = Instant.now();
      out.println("Rollout: " + RolloutEdit.describe(state.rollout()));
      out.println("Serving: " + describe(state.plan()));
      JudgingListing.printStage(out, state.rollout(), now);
      JudgingListing judging;
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(ClientConfigs.consumer(props, "cli"))) {
        judging =
            JudgingListing.read(
                consumer, topics.quality(), topics.decisions(), name, CLIENT_TIMEOUT);
      }
      out.println();
      judging.printQuality(out, name);
      out.println();
      judging.printDecisions(out, name);
      judging.printUndecodable(out);
      printFleet(out, state.fleet(), name, now);
      return OK;
    }

    /**
     * Where a version fine-tuned from topics learnt from, in two indented lines under its row; none
     * for a version without provenance.
     */
    static List<String> provenanceLines(ModelVersion v) {
      return org.mniststream.app.models.ProvenanceText.lines(v).stream()
          .map(line -> "         " + line)
          .toList();
    }

    /** The instances serving {@code modelName}, from their heartbeats on the instances topic. */
    static void printFleet(PrintWriter out, FleetView fleet, String modelName, Instant now) {
      List<InstanceHeartbeat> live =
          fleet.live(now).stream().filter(h -> h.getModelName().equals(modelName)).toList();
      out.println();
      out.printf(
          "%-24s %-12s %-26s %-10s %-7s %-12s %-7s %8s %6s %12s  %s%n",
          "INSTANCE",
          "STATE",
          "HTTP",
          "PARTITIONS",
          "ACTIVE",
          "CANARY",
          "SHADOW",
          "EVENTS/S",
          "LAG",
          "CONVERGED_MS",
          "LAST_REFUSAL");
      for (InstanceHeartbeat h : live) {
        out.printf(
            "%-24s %-12s %-26s %-10s %-7s %-12s %-7s %8.1f %6s %12s  %s%n",
            h.getInstanceId(),
            h.getStreamsState(),
            h.getHttpAddress() == null ? "-" : h.getHttpAddress(),
            h.getPartitions().toString().replace(" ", ""),
            version(h.getActiveVersion()),
            h.getCanaryVersion() == null
                ? "-"
                : "v" + h.getCanaryVersion() + "@" + h.getCanaryPercent() + "%",
            version(h.getShadowVersion()),
            h.getEventsPerSecond(),
            h.getLag() == null ? "-" : h.getLag().toString(),
            h.getRoutingRecordAt() == null || h.getRoutingAppliedAt() == null
                ? "-"
                : Long.toString(
                    Duration.between(h.getRoutingRecordAt(), h.getRoutingAppliedAt()).toMillis()),
            h.getLastRefusal() == null ? "-" : h.getLastRefusal());
      }
      for (InstanceHeartbeat h : fleet.dead(now)) {
        if (h.getModelName().equals(modelName)) {
          out.printf(
              "%-24s %-12s last heartbeat %d s ago, no clean shutdown%n",
              h.getInstanceId(), "DEAD?", Duration.between(h.getSentAt(), now).toSeconds());
        }
      }
      out.println(live.size() + " live instance(s) of " + modelName + ".");
    }

    private static String version(Long v) {
      return v == null ? "-" : "v" + v;
    }

    /** What the instances serve by the routing rule: {@code active v2, canary v3 at 10%, ...}. */
    static String describe(Optional<RoutingPlan> plan) {
      if (plan.isEmpty()) {
        return "nothing (no valid version)";
      }
      RoutingPlan p = plan.get();
      return "active v"
          + p.active()
          + ", canary "
          + (p.canary() == null ? "none" : "v" + p.canary() + " at " + p.canaryPercent() + "%")
          + ", shadow "
          + version(p.shadow())
          + (p.notes().isEmpty() ? "" : " (" + String.join("; ", p.notes()) + ")");
    }
  }

  @Command(
      name = "topics",
      mixinStandardHelpOptions = true,
      description = {
        "Check every topic of the product against the layout of the README's topic table",
        "(partitions, replication, cleanup, retention, max message size, min.insync.replicas);",
        "with --create, create the missing ones; with --alter-configs, correct config drift.",
        "Topic names come from the topics.* keys of the configuration."
      })
  static final class Topics extends Subcommand {

    @Option(names = "--create", description = "Create the missing topics.")
    boolean create;

    @Option(
        names = "--alter-configs",
        description =
            "Set the configs of drifted topics to the layout's (not partitions/replicas).")
    boolean alterConfigs;

    @Option(
        names = "--partitions",
        paramLabel = "N",
        description = "Partitions of the image events and predictions (default: ${DEFAULT-VALUE}).",
        defaultValue = "" + TopicLayout.DEFAULT_IMAGE_PARTITIONS)
    int partitions;

    @Option(
        names = "--replication-factor",
        paramLabel = "N",
        description = "Replicas of every topic (default: min(3, brokers)).")
    Short replicationFactor;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        description = "Limit for each call to Kafka (default: ${DEFAULT-VALUE}).",
        defaultValue = "30")
    int timeoutSeconds;

    @Override
    public Integer call() {
      Properties props = config();
      Properties adminConfig = ClientConfigs.admin(props, "topics-cli");
      String bootstrap = adminConfig.getProperty("bootstrap.servers");
      PrintWriter out = spec.commandLine().getOut();
      try (TopicProvisioner provisioner =
          TopicProvisioner.connect(adminConfig, Duration.ofSeconds(timeoutSeconds))) {
        short replicas =
            replicationFactor != null
                ? replicationFactor
                : TopicLayout.replicationFactorFor(provisioner.brokerCount());
        TopicLayout layout = new TopicLayout(TopicNames.from(props), partitions, replicas);
        List<TopicProvisioner.Report> reports =
            create
                ? provisioner.createMissing(layout.topics())
                : provisioner.check(layout.topics());
        if (alterConfigs) {
          reports = provisioner.alterConfigs(reports);
        }
        out.printf("%-9s %-28s %s%n", "STATE", "TOPIC", "SETTINGS / DRIFT: actual (wanted)");
        reports.forEach(r -> out.println(r.line()));
        long bad =
            reports.stream()
                .filter(
                    r ->
                        r.state() == TopicProvisioner.State.MISSING
                            || r.state() == TopicProvisioner.State.DRIFT)
                .count();
        out.println(
            bad == 0
                ? "Every topic is as laid out (" + bootstrap + ")."
                : bad
                    + " topic(s) missing or drifted on "
                    + bootstrap
                    + (create ? "" : "; --create creates the missing ones")
                    + (alterConfigs ? "" : "; --alter-configs corrects config drift"));
        return bad == 0 ? OK : TOPICS_NOT_AS_LAID_OUT;
      } catch (TopicAdminException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return FAILED;
      }
    }
  }

  /** The versions and rollout of one model, read from the whole control topics. */
  record ControlTopics(
      String modelName,
      NavigableMap<Long, ModelVersion> versions,
      ModelRollout rollout,
      List<String> undecodable,
      FleetView fleet) {

    static ControlTopics read(Properties props, TopicNames topics, String modelName)
        throws Exception {
      AvroSerde<ModelRollout> rolloutSerde = ContractSerdes.modelRollout();
      ModelsTopicContents models = new ModelsTopicContents();
      FleetView fleet = new FleetView();
      ModelRollout rollout = null;
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(ClientConfigs.consumer(props, "cli"))) {
        for (ConsumerRecord<byte[], byte[]> r :
            TopicReader.readAll(
                consumer,
                List.of(topics.models(), topics.rollouts(), topics.instances()),
                CLIENT_TIMEOUT)) {
          if (r.topic().equals(topics.models())) {
            models.apply(r);
          } else if (r.topic().equals(topics.instances())) {
            fleet.apply(r);
          } else if (r.key() != null
              && modelName.equals(new String(r.key(), StandardCharsets.UTF_8))) {
            rollout = r.value() == null ? null : decodeRollout(rolloutSerde, r.value());
          }
        }
      }
      return new ControlTopics(
          modelName, models.versions(modelName), rollout, models.undecodable(), fleet);
    }

    /**
     * What serves, by the instances' own rule ({@link RoutingPlan#decide}): the versions on the
     * topic are valid, the ones whose record cannot be decoded are refused. (An instance may refuse
     * more: a signature or a smoke inference the CLI does not check.)
     */
    Optional<RoutingPlan> plan() {
      return RoutingPlan.decide(versions.navigableKeySet(), refused(), rollout);
    }

    /** Version to reason, from {@link ModelsTopicContents#undecodable()}'s "key (why)" lines. */
    private Map<Long, String> refused() {
      Map<Long, String> refused = new TreeMap<>();
      for (String line : undecodable) {
        int space = line.indexOf(' ');
        String key = space < 0 ? line : line.substring(0, space);
        int slash = key.lastIndexOf('/');
        if (slash <= 0 || !key.substring(0, slash).equals(modelName)) {
          continue;
        }
        try {
          refused.put(
              Long.parseLong(key.substring(slash + 1)),
              space < 0 ? "undecodable" : line.substring(space + 1));
        } catch (NumberFormatException e) {
          // not a version key: nothing an instance could serve
        }
      }
      return refused;
    }

    private static ModelRollout decodeRollout(AvroSerde<ModelRollout> serde, byte[] value) {
      try {
        return serde.decode(value);
      } catch (AvroDecodingException e) {
        return null;
      }
    }
  }
}
