package org.mniststream.cli;

import java.util.Arrays;
import java.util.Set;
import org.mniststream.app.StreamAppCli;
import org.mniststream.kafka.EmbeddedKafkaMain;
import org.mniststream.trainer.TrainerCli;
import picocli.CommandLine;

/**
 * The {@code mnist-stream} launcher: one command line over both halves of the product. Trainer
 * commands go to the trainer's CLI, stream-app commands to the stream app's, and the commands that
 * need both (demo, bench) live here. The halves never depend on each other; only this module sees
 * both.
 */
public final class MnistStreamCli {
  static final Set<String> TRAINER = Set.of("train", "evaluate", "fine-tune", "publish", "keygen");
  static final Set<String> STREAM_APP = Set.of("run", "rollout", "models", "topics");

  private MnistStreamCli() {}

  public static void main(String[] args) throws Exception {
    System.exit(execute(args));
  }

  /** Runs one command and returns its exit code (0 ok, 1 failure, 2 usage; see each --help). */
  public static int execute(String... args) throws Exception {
    if (args.length == 0 || Set.of("-h", "--help", "help").contains(args[0])) {
      System.out.println(usage());
      return args.length == 0 ? 2 : 0;
    }
    String command = args[0];
    if (TRAINER.contains(command)) {
      return TrainerCli.execute(args);
    }
    if (STREAM_APP.contains(command)) {
      return StreamAppCli.execute(args);
    }
    return switch (command) {
      case "demo" -> new CommandLine(new DemoCommand()).execute(rest(args));
      case "bench" -> new CommandLine(new BenchCommand()).execute(rest(args));
      case "chaos" -> new CommandLine(new ChaosCommand()).execute(rest(args));
      case "sample-events" -> new CommandLine(new SampleEventsCommand()).execute(rest(args));
      case "broker" -> {
        EmbeddedKafkaMain.main(rest(args));
        yield 0;
      }
      default -> {
        System.err.println("unknown command '" + command + "'\n\n" + usage());
        yield 2;
      }
    };
  }

  private static String[] rest(String[] args) {
    return Arrays.copyOfRange(args, 1, args.length);
  }

  static String usage() {
    return """
        Usage: mnist-stream COMMAND [OPTIONS]   (COMMAND --help for its options)

        Main job
          demo        embedded broker, train, publish v1, stream the 10k test images, hot-swap
                      to a fine-tuned v2 mid-stream, live figures and a summary

        Trainer
          train       train the CNN (or --arch mlp) on MNIST, evaluate, save, publish
          evaluate    evaluate a saved or published version on an IDX test set
          fine-tune   continue training from a version; publishes a child version
          publish     publish a saved model directory to the models topic
          keygen      write an Ed25519 key pair for model signing

        Stream app
          run         run the Kafka Streams classifier (HTTP /health /ready /model /metrics)
          rollout     pin, canary, shadow or follow-latest, by publishing a ModelRollout
          models      list the versions on the models topic and the current rollout
          topics      check every topic against the layout; --create, --alter-configs

        Tools
          broker      run a real single-node Kafka broker (KRaft) on this machine
          bench       load generator: events/s, end-to-end latency percentiles, CPU, RSS
          chaos       kill -9 the app and restart the broker mid-stream; count losses, duplicates
          sample-events  write MNIST test images as ImageEvent files (for kcat and other clients)
        """;
  }
}
