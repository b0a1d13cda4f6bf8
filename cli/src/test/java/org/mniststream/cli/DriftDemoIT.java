package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.kafka.FreePorts;
import org.mniststream.trainer.data.MnistSubset;

/**
 * {@code demo --drift --quick} on the MNIST subset, the whole loop on a real broker with the stream
 * app as a child JVM: the new scanner's images drop v1's live accuracy, the alarm of the continual
 * trainer (live accuracy below the threshold, read from the quality topic) makes it fine-tune on
 * the labels that come back, the judge promotes the result through shadow and canary to active, and
 * every event has exactly one prediction.
 */
class DriftDemoIT {
  @TempDir Path dir;

  @Test
  void shouldHealTheDriftByItselfWithoutLosingAnEvent() throws Exception {
    Path data = MnistSubset.copyTo(dir.resolve("mnist"));
    int[] ports = FreePorts.loopback(2);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exitCode;
    System.setOut(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
    try {
      exitCode =
          MnistStreamCli.execute(
              "demo",
              "--drift",
              "--quick",
              "--data-dir",
              data.toString(),
              "--work-dir",
              dir.resolve("work").toString(),
              "--http-port",
              Integer.toString(ports[0]),
              "--dashboard-port",
              Integer.toString(ports[1]),
              "--drift-before",
              "500",
              "--label-delay",
              "1",
              "--heal-examples",
              "500",
              "--events",
              "1000",
              "--drift-timeout",
              "150");
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);

    assertThat(exitCode).isZero();
    assertThat(out).contains("in = out + dead: yes").contains("(duplicates: 0)");
    // the alarm, not the example count, started the first fine-tune
    assertThat(out).containsPattern("Fine-tuning v1 \\(serving\\) on \\d+ new labelled examples");
    assertThat(out).contains("live accuracy of v1");
    // the judge took v2 through its stages by itself
    assertThat(out)
        .contains("judge: PROMOTE v2 after shadow")
        .contains("judge: PROMOTE v2 after canary-50 ")
        .containsPattern("v2 active: \\d+ s after the drift began");
    // and v2 is better than v1 on the shifted test images, which neither trained on
    assertThat(shiftedAccuracy(out, 2)).isGreaterThan(shiftedAccuracy(out, 1));
  }

  /** The shifted-test accuracy of version {@code v} in the summary's same-events table. */
  private static double shiftedAccuracy(String out, int v) {
    Matcher m = Pattern.compile("(?m)^\\s+v" + v + "\\s+([0-9.]+)%\\s+([0-9.]+)%").matcher(out);
    assertThat(m.find()).as("a row for v" + v + " in:\n" + out).isTrue();
    return Double.parseDouble(m.group(2));
  }

  /** Writes to the console and keeps a copy. */
  private static final class Tee extends java.io.OutputStream {
    private final PrintStream console;
    private final ByteArrayOutputStream copy;

    Tee(PrintStream console, ByteArrayOutputStream copy) {
      this.console = console;
      this.copy = copy;
    }

    @Override
    public synchronized void write(int b) {
      console.write(b);
      copy.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      console.write(b, off, len);
      copy.write(b, off, len);
    }
  }
}
