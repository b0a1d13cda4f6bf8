package org.mniststream.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.mniststream.app.StreamAppCli;
import org.mniststream.kafka.EmbeddedKafkaMain;
import org.mniststream.trainer.TrainerCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code mnist-stream} launcher: one command line over both halves of the product. Trainer
 * commands go to the trainer's CLI, stream-app commands to the stream app's, and the commands that
 * need both (demo, bench) live here. The halves never depend on each other; only this module sees
 * both.
 *
 * <p>Which commands belong to a half is read from the {@code subcommands} of its {@code @Command},
 * so a command added there is routed with no edit here; only its line in {@link #usage()} is
 * written by hand (a test checks that every command has one).
 */
@Command(
    name = "mnist-stream",
    subcommands = {
      DemoCommand.class,
      BenchCommand.class,
      JudgeBenchCommand.class,
      ChaosCommand.class,
      SampleEventsCommand.class,
      DriftDataCommand.class,
      ContinualCommand.class,
      EmbeddedKafkaMain.class,
      SecurityCommand.class,
      MnistStreamCli.Help.class
    })
public final class MnistStreamCli implements Callable<Integer> {
  static final Set<String> TRAINER = subcommandNames(TrainerCli.class);
  static final Set<String> STREAM_APP = subcommandNames(StreamAppCli.class);

  private static final String USAGE_SECTION = "mnist-stream-usage";

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Print this help.")
  boolean help;

  private MnistStreamCli() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs one command and returns its exit code (0 ok, 1 failure, 2 usage; see each --help). */
  public static int execute(String... args) {
    if (args.length > 0 && TRAINER.contains(args[0])) {
      return TrainerCli.execute(args);
    }
    if (args.length > 0 && STREAM_APP.contains(args[0])) {
      return StreamAppCli.execute(args);
    }
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new MnistStreamCli());
    // One hand-written help, grouped by job, instead of picocli's flat command list.
    // Set on this command's spec only: CommandLine's setters would reach the subcommands too.
    UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
    usage.sectionMap().put(USAGE_SECTION, help -> usage() + "\n");
    usage.sectionKeys(List.of(USAGE_SECTION));
    return cli;
  }

  /** No command: the usage, as a usage error. */
  @Override
  public Integer call() {
    System.out.println(usage());
    return 2;
  }

  /** {@code help [COMMAND]}: the usage; each command's own options are behind COMMAND --help. */
  @Command(name = "help", description = "Print this help.")
  static final class Help implements Callable<Integer> {
    @Parameters(arity = "0..*", hidden = true)
    List<String> ignored;

    @Override
    public Integer call() {
      System.out.println(usage());
      return 0;
    }
  }

  /** The names and aliases of the subcommands an annotated picocli command declares. */
  static Set<String> subcommandNames(Class<?> cli) {
    return Arrays.stream(cli.getAnnotation(Command.class).subcommands())
        .map(sub -> sub.getAnnotation(Command.class))
        .flatMap(c -> Stream.concat(Stream.of(c.name()), Arrays.stream(c.aliases())))
        .filter(name -> !name.equals("help"))
        .collect(Collectors.toUnmodifiableSet());
  }

  static String usage() {
    return """
        Usage: mnist-stream COMMAND [OPTIONS]   (COMMAND --help for its options)

        Main job
          demo        embedded broker, train, publish v1, stream the 10k test images, roll a
                      fine-tuned v2 out mid-stream through the judge, live figures, a summary

        Trainer
          train       train the CNN (or --arch mlp) on MNIST, evaluate, save, publish
          evaluate    evaluate a saved or published version on an IDX test set
          fine-tune   continue training from a version; publishes a child version
          publish     publish a saved model directory to the models topic
          keygen      write an Ed25519 key pair for model signing
          continual   follow the labelled events: fine-tune the serving version on new ones (or
                      on a live accuracy alarm), publish it, and let the judge roll it out

        Stream app
          run         run the Kafka Streams classifier (HTTP /health /ready /model /stats /metrics)
          rollout     pin, canary, shadow or follow-latest; --auto N: a judged rollout
          models      versions, the rollout and its stage, live quality, the judge's decisions
          topics      check every topic against the layout; --create, --alter-configs
          keys        signing keys: revoke KEYID --reason (every instance stops serving its
                      versions), trust --public-key FILE, list

        Tools
          broker      run a real Kafka broker (KRaft) on this machine; --nodes N a cluster;
                      --secure: SASL_SSL, SCRAM users (--user NAME), ACLs
          bench       load generator: events/s, end-to-end latency percentiles, CPU, RSS
          judge-bench simulate the rollout judge on saved models' test-set predictions: canary
                      events to a rollback or a promotion, false rollbacks over seeded runs
          chaos       kill -9 the app and restart the broker mid-stream; count losses, duplicates
          sample-events  write MNIST test images as ImageEvent files (for kcat and other clients)
          drift-data  write a seeded 'new scanner' shift of MNIST as IDX files (--data-dir DIR)
          security    acls: each principal's least-privilege ACLs; --apply creates them
        """;
  }
}
