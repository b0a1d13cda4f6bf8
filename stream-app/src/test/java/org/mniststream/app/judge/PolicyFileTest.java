package org.mniststream.app.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.RolloutStage;

class PolicyFileTest {
  /** The example the README shows; the test runs in the stream-app module's directory. */
  private static final Path DEFAULT_JSON = Path.of("..", "docs", "policies", "default.json");

  @TempDir Path dir;

  @Test
  void shouldReadTheShippedDefaultAsExactlyTheCodesDefaultPolicy() throws Exception {
    RolloutPolicy read = PolicyFile.read(DEFAULT_JSON);

    assertThat(read).isEqualTo(RolloutPolicies.defaultPolicy());
    assertThat(RolloutPolicies.problems(read)).isEmpty();
  }

  @Test
  void shouldGiveOmittedFieldsTheAvroDefaults() throws Exception {
    RolloutPolicy read =
        PolicyFile.parse(
            "{\"stages\": [{\"name\": \"s\", \"route\": \"SHADOW\"}, "
                + "{\"name\": \"a\", \"route\": \"ACTIVE\"}]}",
            "test");

    RolloutStage first = read.getStages().get(0);
    assertThat(first.getPercent()).isZero();
    assertThat(first.getMinLabelled()).isEqualTo(500);
    assertThat(first.getTimeoutMs()).isEqualTo(600_000);
    assertThat(read.getMaxAccuracyDrop()).isEqualTo(0.01);
    assertThat(read.getAlpha()).isEqualTo(0.05);
    assertThat(read.getMaxP99IncreaseMs()).isNull();
    assertThat(read.getOnTimeout()).isEqualTo("ROLLBACK");
    assertThat(read.getStages()).extracting(RolloutStage::getName).containsExactly("s", "a");
  }

  @Test
  void shouldReadEveryFieldGiven() throws Exception {
    RolloutPolicy read =
        PolicyFile.parse(
            "{\"stages\": [{\"name\": \"c\", \"route\": \"CANARY\", \"percent\": 20, "
                + "\"minLabelled\": 7, \"timeoutMs\": 9000}], \"maxAccuracyDrop\": 0.02, "
                + "\"alpha\": 0.1, \"maxP99IncreaseMs\": 40, \"onTimeout\": \"HOLD\"}",
            "test");

    assertThat(read)
        .isEqualTo(
            RolloutPolicy.newBuilder()
                .setStages(List.of(RolloutPolicies.stage("c", "CANARY", 20, 7, 9000)))
                .setMaxAccuracyDrop(0.02)
                .setAlpha(0.1)
                .setMaxP99IncreaseMs(40L)
                .setOnTimeout("HOLD")
                .build());
  }

  @Test
  void shouldReadAnExplicitNullP99AsLatencyNotJudged() throws Exception {
    RolloutPolicy read =
        PolicyFile.parse(
            "{\"stages\": [{\"name\": \"s\", \"route\": \"SHADOW\"}], \"maxP99IncreaseMs\": null}",
            "test");

    assertThat(read.getMaxP99IncreaseMs()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bad JSON | {\"stages\": [ | not valid JSON at line 1",
        "trailing document | {\"stages\": []} {} | not valid JSON",
        "duplicate field | {\"stages\": [], \"stages\": []} | not valid JSON",
        "empty | '' | empty, a policy is a JSON object",
        "not an object | [1] | the policy must be a JSON object, got an array",
        "unknown field | {\"stages\": [], \"alpah\": 0.1} | unknown field 'alpah' (known: alpha,",
        "unknown stage field | {\"stages\": [{\"name\": \"s\", \"route\": \"SHADOW\", \"pct\": 1}]}"
            + " | unknown field 'stages[0].pct'",
        "missing stages | {\"alpha\": 0.1} | 'stages' is missing",
        "stages not array | {\"stages\": {}} | 'stages' must be an array, got an object",
        "stage missing route | {\"stages\": [{\"name\": \"s\"}]} | 'stages[0].route' is missing",
        "percent as text | {\"stages\": [{\"name\": \"s\", \"route\": \"CANARY\", \"percent\": \"10\"}]}"
            + " | 'stages[0].percent' must be a whole number, got the string \"10\"",
        "percent fraction | {\"stages\": [{\"name\": \"s\", \"route\": \"CANARY\", \"percent\": 1.5}]}"
            + " | 'stages[0].percent' must be a whole number, got 1.5",
        "percent too large | {\"stages\": [{\"name\": \"s\", \"route\": \"CANARY\", \"percent\":"
            + " 3000000000}]} | 'stages[0].percent' is out of range",
        "alpha as text | {\"stages\": [], \"alpha\": \"low\"} | 'alpha' must be a number",
        "alpha null | {\"stages\": [], \"alpha\": null} | 'alpha' must be a number, got null",
        "route not text | {\"stages\": [{\"name\": \"s\", \"route\": 1}]}"
            + " | 'stages[0].route' must be a string, got 1",
      })
  void shouldRefuseWithOneLineNamingTheProblem(String what, String json, String expected) {
    assertThatThrownBy(() -> PolicyFile.parse(json, "policy file p.json"))
        .isInstanceOf(PolicyFile.Invalid.class)
        .hasMessageStartingWith("policy file p.json: ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void shouldNameAMissingFile() {
    Path missing = dir.resolve("nope.json");

    assertThatThrownBy(() -> PolicyFile.read(missing))
        .isInstanceOf(PolicyFile.Invalid.class)
        .hasMessage("policy file " + missing + ": no such file");
  }

  @Test
  void shouldRefuseADirectoryAndAFileThatIsNotUtf8() throws Exception {
    assertThatThrownBy(() -> PolicyFile.read(dir))
        .isInstanceOf(PolicyFile.Invalid.class)
        .hasMessageEndingWith(": is a directory");
    Path latin1 = dir.resolve("latin1.json");
    Files.write(latin1, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
    assertThatThrownBy(() -> PolicyFile.read(latin1))
        .isInstanceOf(PolicyFile.Invalid.class)
        .hasMessageEndingWith(": not UTF-8 text");
  }

  @Test
  void shouldRefuseAFileTooLargeToBeAPolicy() throws Exception {
    Path big = dir.resolve("big.json");
    Files.writeString(big, " ".repeat(PolicyFile.MAX_BYTES + 1) + "{}");

    assertThatThrownBy(() -> PolicyFile.read(big))
        .isInstanceOf(PolicyFile.Invalid.class)
        .hasMessageContaining("larger than");
  }

  @Test
  void shouldDescribeThePolicyInOneLine() {
    assertThat(PolicyFile.describe(RolloutPolicies.defaultPolicy()))
        .isEqualTo(
            "shadow(SHADOW, 1000 pairs, 30m) > canary-10(CANARY 10%, 500 pairs, 30m) >"
                + " canary-50(CANARY 50%, 1000 pairs, 30m) > active(ACTIVE); max drop 1.00 pts,"
                + " alpha 0.05, p99 +500 ms, on timeout ROLLBACK");
  }

  @Test
  void shouldWriteDurationsInTheLargestExactUnit() {
    assertThat(List.of(0L, 1500L, 45_000L, 90 * 60_000L, 7_200_000L))
        .map(PolicyFile::duration)
        .containsExactly("0ms", "1500ms", "45s", "90m", "2h");
  }
}
