package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DashboardOptionsTest {
  private static final String TOKEN = "0123456789abcdef-token";

  @Test
  void shouldListenOnLoopbackWithoutATokenAndWithTheDefaultLimitByDefault() {
    DashboardMain main = new DashboardMain();
    new CommandLine(main).parseArgs();

    DashboardOptions options = main.options();

    assertThat(options.bind()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(8088);
    // the token defaults to MNIST_DASHBOARD_TOKEN, unset where the tests run
    assertThat(options.drawToken())
        .isEqualTo(
            Optional.ofNullable(System.getenv("MNIST_DASHBOARD_TOKEN")).filter(t -> !t.isEmpty()));
    assertThat(options.drawPerSecond()).isEqualTo(5.0);
    assertThat(options.drawBurst()).isEqualTo(10);
    assertThat(options.inference()).isEqualTo(InferenceOptions.DEFAULTS);
  }

  @Test
  void shouldTakeTheInferenceSettingsFromTheCommandLine() {
    DashboardMain main = new DashboardMain();
    new CommandLine(main)
        .parseArgs(
            "--infer-model",
            "digits",
            "--infer-rate",
            "50",
            "--infer-burst",
            "20",
            "--infer-max-in-flight",
            "8",
            "--infer-timeout",
            "PT2S");

    assertThat(main.options().inference())
        .isEqualTo(new InferenceOptions("digits", 50, 20, 8, java.time.Duration.ofSeconds(2)));
  }

  @Test
  void shouldTakeTheBindTokenAndLimitFromTheCommandLine() {
    DashboardMain main = new DashboardMain();
    new CommandLine(main)
        .parseArgs(
            "--bind",
            "0.0.0.0",
            "--port",
            "0",
            "--draw-token",
            TOKEN,
            "--draw-rate",
            "0.5",
            "--draw-burst",
            "3");

    assertThat(main.options())
        .isEqualTo(new DashboardOptions("0.0.0.0", 0, Optional.of(TOKEN), 0.5, 3));
  }

  @Test
  void shouldRefuseAShortOrUnprintableTokenInOneLineWithoutEchoingIt() {
    assertThatThrownBy(() -> DashboardOptions.onPort(0).withDrawToken("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the draw token must be at least 16 characters, got 5");
    assertThatThrownBy(() -> DashboardOptions.onPort(0).withDrawToken("has a space in the middle"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the draw token must be visible ASCII characters without spaces");
    assertThat(DashboardOptions.onPort(0).withDrawToken("").drawToken()).isEmpty();
  }

  @Test
  void shouldNeverShowTheTokenInItsText() {
    assertThat(DashboardOptions.onPort(0).withDrawToken(TOKEN).toString())
        .doesNotContain(TOKEN)
        .contains("drawToken=(set)");
  }

  @Test
  void shouldSayABadOptionInOneLineOnTheCommandLine() {
    StringWriter err = new StringWriter();
    CommandLine cli = DashboardMain.commandLine(new DashboardMain());
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute("--draw-token", "short", "--port", "0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "dashboard: the draw token must be at least 16 characters, got 5"
                + System.lineSeparator());
  }
}
