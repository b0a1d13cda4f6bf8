package org.mniststream.trainer.commands;

import java.io.PrintWriter;
import java.util.Locale;
import org.mniststream.schemas.EvaluationMetrics;
import org.mniststream.trainer.evaluation.MetricsReport;
import org.mniststream.trainer.training.EpochStats;
import org.mniststream.trainer.training.ModelSummary;
import org.mniststream.trainer.training.ProgressListener;
import org.mniststream.trainer.training.TrainingData;
import org.mniststream.trainer.training.TrainingSettings;

/**
 * Console output of a training run: the model summary, per-epoch lines and metrics on {@code out};
 * a progress bar per epoch on {@code err}. On a terminal the bar redraws in place with carriage
 * returns (at most every 100 ms); elsewhere (logs, pipes, CI) it prints a plain line at every
 * quarter of the epoch instead.
 */
public final class ConsoleProgress implements ProgressListener {
  private static final int BAR_WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean terminal;
  private long epochStart;
  private long lastDraw;
  private int lastQuarter;

  public ConsoleProgress(PrintWriter out, PrintWriter err, boolean terminal) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  /** Redraws in place only when both a console is attached and stderr is not redirected. */
  public static boolean isTerminal() {
    return System.console() != null;
  }

  @Override
  public void onStart(ModelSummary summary, TrainingSettings settings, TrainingData data) {
    out.print(summary.format());
    out.printf(
        Locale.ROOT,
        "Data: %d training images%s, %d test images (%s)%n",
        data.train().count(),
        data.validation().map(v -> ", " + v.count() + " validation images").orElse(""),
        data.test().count(),
        data.source());
    out.flush();
  }

  @Override
  public void onInitialEvaluation(EvaluationMetrics metrics) {
    out.printf(
        Locale.ROOT,
        "Starting weights: test accuracy %.4f, loss %.4f%n",
        metrics.getTestAccuracy(),
        metrics.getTestLoss());
    out.flush();
  }

  @Override
  public void onEpochStart(int epoch, int epochs, long batches) {
    epochStart = System.nanoTime();
    lastDraw = 0;
    lastQuarter = 0;
    out.printf(Locale.ROOT, "Epoch %d/%d%n", epoch, epochs);
    out.flush();
  }

  @Override
  public void onBatch(
      int epoch, long batch, long batches, double runningLoss, double runningAccuracy) {
    long now = System.nanoTime();
    if (terminal) {
      if (batch < batches && now - lastDraw < REDRAW_NANOS) {
        return;
      }
      lastDraw = now;
      err.print('\r' + line(batch, batches, runningLoss, runningAccuracy, now));
      if (batch == batches) {
        err.println();
      }
      err.flush();
    } else {
      int quarter = (int) (4 * batch / batches);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        err.println(line(batch, batches, runningLoss, runningAccuracy, now));
        err.flush();
      }
    }
  }

  private String line(long batch, long batches, double loss, double accuracy, long now) {
    int filled = (int) (BAR_WIDTH * batch / batches);
    String bar =
        "=".repeat(filled)
            + (filled < BAR_WIDTH ? ">" : "")
            + " ".repeat(Math.max(0, BAR_WIDTH - filled - 1));
    double seconds = (now - epochStart) / 1e9;
    return String.format(
        Locale.ROOT,
        "%5d/%d [%s] %.0fs - loss: %.4f - accuracy: %.4f",
        batch,
        batches,
        bar,
        seconds,
        loss,
        accuracy);
  }

  @Override
  public void onEpochEnd(EpochStats stats) {
    out.println(stats.describe());
    out.flush();
  }

  @Override
  public void onEvaluation(EvaluationMetrics metrics) {
    out.print(MetricsReport.format(metrics));
    out.flush();
  }
}
