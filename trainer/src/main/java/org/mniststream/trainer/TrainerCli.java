package org.mniststream.trainer;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import org.mniststream.trainer.commands.EvaluateCommand;
import org.mniststream.trainer.commands.ExitCodes;
import org.mniststream.trainer.commands.FineTuneCommand;
import org.mniststream.trainer.commands.KeygenCommand;
import org.mniststream.trainer.commands.PublishCommand;
import org.mniststream.trainer.commands.TrainCommand;
import org.mniststream.trainer.data.DataUnavailableException;
import org.mniststream.trainer.data.IdxFormatException;
import org.mniststream.trainer.evaluation.QualityGateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The trainer's command line: {@code train}, {@code evaluate}, {@code fine-tune}, {@code publish}
 * and {@code keygen}; {@code --help} on each.
 *
 * <p>Exit codes ({@link ExitCodes}): 0 success, 1 failure, 2 usage error, 3 quality gate refused, 4
 * data unavailable. {@link #execute} never calls {@code System.exit}, so another launcher can embed
 * it; {@link #main} does.
 */
@Command(
    name = "mnist-trainer",
    mixinStandardHelpOptions = true,
    version = "mnist-stream trainer 0.1.0",
    description = "Trains, evaluates, fine-tunes and publishes MNIST classifiers.",
    subcommands = {
      TrainCommand.class,
      EvaluateCommand.class,
      FineTuneCommand.class,
      PublishCommand.class,
      KeygenCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:failure (Kafka, corrupt model, record too large, ...)",
      "2:usage error",
      "3:quality gate refused (test accuracy below --min-accuracy)",
      "4:data unavailable (IDX files missing or malformed, MNIST not obtainable)"
    })
public final class TrainerCli implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerCli.class);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line on System.out and System.err; returns the exit code. */
  public static int execute(String... args) {
    return execute(System.out, System.err, args);
  }

  /** Runs a command line with the given streams; returns the exit code. */
  public static int execute(PrintStream out, PrintStream err, String... args) {
    Charset charset = Charset.defaultCharset();
    PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, charset), true);
    PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, charset), true);
    try {
      return commandLine(outWriter, errWriter).execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new TrainerCli());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          int code = exitCodeOf(e);
          if (code == ExitCodes.FAILURE) {
            LOG.debug("command failed", e);
          }
          commandLine.getErr().println("Error: " + message(e));
          commandLine.getErr().flush();
          return code;
        });
    return cli;
  }

  static int exitCodeOf(Throwable e) {
    if (e instanceof QualityGateException) {
      return ExitCodes.QUALITY_GATE_REFUSED;
    }
    if (e instanceof DataUnavailableException || e instanceof IdxFormatException) {
      return ExitCodes.DATA_UNAVAILABLE;
    }
    return ExitCodes.FAILURE;
  }

  private static String message(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.toString() : message;
  }
}
