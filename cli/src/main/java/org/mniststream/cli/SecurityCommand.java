package org.mniststream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.AclPlan;
import org.mniststream.topics.AclPlan.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code security}: the product's principals and their least-privilege ACLs ({@link AclPlan}),
 * printed for review or for {@code kafka-acls.sh}, and applied to a cluster through the Admin API
 * by a principal allowed to create ACLs.
 */
@Command(
    name = "security",
    mixinStandardHelpOptions = true,
    description = "The product's principals and their least-privilege ACLs.",
    subcommands = {SecurityCommand.Acls.class})
final class SecurityCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  /** No subcommand: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  enum Format {
    TABLE,
    KAFKA_ACLS
  }

  @Command(
      name = "acls",
      mixinStandardHelpOptions = true,
      description = {
        "Print the ACLs of each principal (image-producer, trainer, stream-app, operator,"
            + " dashboard, judge); with --apply, create them on a cluster (existing ones are kept;"
            + " creating one twice changes nothing).",
        ""
      })
  static final class Acls implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
        names = "--topics-prefix",
        paramLabel = "PREFIX",
        description = "Prefix of every topic name, as in topics.* (default: none).")
    String topicsPrefix = "";

    @Option(
        names = "--application-id",
        paramLabel = "ID",
        description =
            "The stream app's application.id: its internal topics, group and transactional ids"
                + " start with it (default: ${DEFAULT-VALUE}).")
    String applicationId = "mnist-stream";

    @Option(
        names = "--judge-in-stream-app",
        description =
            "The judge runs inside the stream app (quality.enabled=true, judge.enabled not false):"
                + " grant the judge's rights, rollouts included, to the stream-app principal too.")
    boolean judgeInStreamApp;

    @Option(
        names = "--principal",
        paramLabel = "ROLE=PRINCIPAL",
        description =
            "The principal of a role, repeatable (default: User:<role>), e.g."
                + " --principal stream-app=User:svc-mnist.")
    Map<String, String> principals = new LinkedHashMap<>();

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        description = "table or kafka-acls (kafka-acls.sh options) (default: table).",
        converter = FormatConverter.class)
    Format format = Format.TABLE;

    @Option(
        names = "--apply",
        description = "Create the ACLs on the cluster of --bootstrap-servers.")
    boolean apply;

    @Option(
        names = {"--bootstrap-servers", "-b"},
        paramLabel = "HOST:PORT",
        description = "The cluster --apply creates the ACLs on.")
    String bootstrapServers;

    @Option(
        names = "--command-config",
        paramLabel = "FILE",
        description =
            "Admin client properties for --apply (security.protocol, sasl.*, ssl.*): a principal"
                + " allowed to create ACLs.")
    Path commandConfig;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        description = "Limit for --apply (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = 60;

    @Override
    public Integer call() {
      AclPlan plan = plan();
      Properties admin = apply ? adminConfig() : null;
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (format == Format.TABLE) {
        out.print(plan.describe());
      } else {
        plan.grants()
            .forEach(
                g ->
                    out.println(
                        "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --command-config"
                            + " \"$ADMIN_CONFIG\" "
                            + g.kafkaAclsOptions()));
      }
      out.flush();
      if (!apply) {
        return 0;
      }
      try {
        apply(admin, plan, timeoutSeconds);
      } catch (KafkaException e) {
        err.println("cannot create the ACLs on " + bootstrapServers + ": " + e.getMessage());
        return 1;
      } catch (ExecutionException e) {
        // The broker's own message names the request's internals ("Request Request(...) needs
        // ALTER permission"): say what it means instead.
        String why =
            e.getCause() instanceof ClusterAuthorizationException
                ? "the principal of --command-config may not change ACLs (it needs ALTER on the"
                    + " cluster: a super user or an ACL admin)"
                : e.getCause().getMessage();
        err.println("cannot create the ACLs on " + bootstrapServers + ": " + why);
        return 1;
      } catch (TimeoutException e) {
        err.println(
            "cannot create the ACLs on "
                + bootstrapServers
                + ": no answer within "
                + timeoutSeconds
                + " s");
        return 1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        err.println("interrupted while creating the ACLs");
        return 1;
      }
      out.println(
          "applied "
              + plan.bindings().size()
              + " ACL bindings for "
              + Role.values().length
              + " principals on "
              + bootstrapServers);
      return 0;
    }

    AclPlan plan() {
      Map<Role, String> byRole = new EnumMap<>(Role.class);
      principals.forEach(
          (role, principal) ->
              byRole.put(
                  Role.byUserName(role)
                      .orElseThrow(
                          () ->
                              new ParameterException(
                                  spec.commandLine(),
                                  "--principal: no role '"
                                      + role
                                      + "'; roles: image-producer, trainer, stream-app,"
                                      + " operator, dashboard, judge")),
                  principal));
      try {
        return AclPlan.of(
            TopicNames.withPrefix(topicsPrefix), applicationId, judgeInStreamApp, byRole);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }

    private Properties adminConfig() {
      if (bootstrapServers == null) {
        throw new ParameterException(spec.commandLine(), "--apply needs --bootstrap-servers");
      }
      Properties props = new Properties();
      if (commandConfig != null) {
        try (Reader reader = Files.newBufferedReader(commandConfig)) {
          props.load(reader);
        } catch (NoSuchFileException e) {
          throw new ParameterException(
              spec.commandLine(), "--command-config: no such file: " + commandConfig);
        } catch (IOException e) {
          throw new ParameterException(
              spec.commandLine(), "--command-config: cannot read " + commandConfig + ": " + e);
        }
      }
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      long millis = TimeUnit.SECONDS.toMillis(timeoutSeconds);
      props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(millis));
      props.putIfAbsent(
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(millis, 30_000)));
      props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "mnist-stream-security");
      return props;
    }
  }

  /** Creates every binding of {@code plan} through an admin client of {@code adminConfig}. */
  static void apply(Properties adminConfig, AclPlan plan, long timeoutSeconds)
      throws ExecutionException, TimeoutException, InterruptedException {
    try (Admin client = Admin.create(adminConfig)) {
      client.createAcls(plan.bindings()).all().get(timeoutSeconds, TimeUnit.SECONDS);
      awaitVisible(client, plan, timeoutSeconds);
    }
  }

  /**
   * Waits until the broker answering describes every binding of {@code plan}. The controller
   * commits new ACLs before the brokers' authorizers have them (KRaft metadata propagation), so a
   * client allowed by them can be refused for a moment after {@code createAcls} returns; a broker
   * answers DescribeAcls from its own authorizer, so this is when that one enforces them.
   */
  static void awaitVisible(Admin client, AclPlan plan, long timeoutSeconds)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    java.util.Set<org.apache.kafka.common.acl.AclBinding> wanted =
        new java.util.HashSet<>(plan.bindings());
    while (true) {
      java.util.Collection<org.apache.kafka.common.acl.AclBinding> present =
          client
              .describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
              .values()
              .get(timeoutSeconds, TimeUnit.SECONDS);
      if (present.containsAll(wanted)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "the ACLs were created but the broker did not show them all within "
                + timeoutSeconds
                + " s");
      }
      Thread.sleep(50);
    }
  }

  /** {@code table} or {@code kafka-acls}, case-insensitive. */
  static final class FormatConverter implements ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "table" -> Format.TABLE;
        case "kafka-acls" -> Format.KAFKA_ACLS;
        default ->
            throw new TypeConversionException("not a format: " + value + " (table, kafka-acls)");
      };
    }
  }
}
