package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.json.JsonCodec;

class BenchCommandTest {

  @Test
  void shouldWriteTheRunAsOneParsableJsonLineWithStableFieldNames() throws Exception {
    Histogram latency = new Histogram(3_600_000_000L, 3);
    latency.recordValue(10_000); // 10 ms in micros
    BenchCommand.Report figures =
        new BenchCommand.Report(
            "2026-11-30T10:00:00Z",
            "exactly_once_v2",
            1000,
            60,
            60_000,
            60_000,
            0,
            12,
            999.5,
            3,
            BenchCommand.Report.LatencyMs.of(latency),
            41,
            16,
            2,
            BenchCommand.Report.ServingGapMs.of(
                new PredictionTracker.ServingGaps(List.of(20L, 30L), List.of(5L))),
            88.5,
            0.85,
            new Convergence(12, 40, 90, 95),
            600L << 20,
            610L << 20,
            599L << 20,
            611L << 20,
            List.of(600L, 611L));

    String line = figures.json();
    JsonNode json = JsonCodec.readTree(line);

    assertThat(line).endsWith(System.lineSeparator()).doesNotContain("\n{");
    assertThat(json.get("sent").longValue()).isEqualTo(60_000);
    assertThat(json.get("latencyMs").get("p99").doubleValue()).isBetween(9.9, 10.1);
    assertThat(json.get("servingGapMs").get("swapMax").longValue()).isEqualTo(30);
    assertThat(json.get("servingGapMs").get("awayWindows").intValue()).isEqualTo(1);
    assertThat(json.get("convergenceMs").get("p99").longValue()).isEqualTo(90);
    assertThat(figures.table())
        .contains("12 swaps reached every instance: p50 40 ms, p99 90 ms, max 95 ms")
        .contains("latency p50/p95/p99  10.0 / 10.0 / 10.0 ms");
    assertThat(json.get("swaps").longValue()).isEqualTo(2);
    assertThat(json.get("rssEvery5sMiB")).hasSize(2);
    assertThat(json.fieldNames())
        .toIterable()
        .containsExactly(
            "at",
            "guarantee",
            "targetRate",
            "seconds",
            "sent",
            "predictions",
            "duplicates",
            "deadLetters",
            "sustainedPerSecond",
            "instances",
            "latencyMs",
            "longestGapMs",
            "generatorPauseMs",
            "swaps",
            "servingGapMs",
            "appCpuPercent",
            "appCpuMillisPerEvent",
            "convergenceMs",
            "rssStartBytes",
            "rssEndBytes",
            "rssMinBytes",
            "rssMaxBytes",
            "rssEvery5sMiB");
  }

  @Test
  void shouldTakeTheSlowestInstanceOfEachSwapThatReachedTheWholeFleet() throws Exception {
    JsonNode a =
        JsonCodec.readTree(
            "{\"history\":["
                + swap("2026-11-30T10:00:01.100Z", "2026-11-30T10:00:01Z")
                + ","
                + swap("2026-11-30T10:00:05.050Z", "2026-11-30T10:00:05Z")
                + ","
                + "{\"at\":\"2026-11-30T09:59:00Z\",\"recordAt\":null}]}");
    JsonNode b =
        JsonCodec.readTree(
            "{\"history\":["
                + swap("2026-11-30T10:00:01.300Z", "2026-11-30T10:00:01Z")
                + ","
                + swap("2026-11-30T10:00:05.020Z", "2026-11-30T10:00:05Z")
                + ","
                + swap("2026-11-30T10:00:09.010Z", "2026-11-30T10:00:09Z")
                + "]}");

    Convergence c = Convergence.of(List.of(a, b), java.time.Instant.parse("2026-11-30T10:00:00Z"));

    // the third swap reached only b: not counted; the others: the slower instance
    assertThat(c).isEqualTo(new Convergence(2, 50, 300, 300));
  }

  private static String swap(String at, String recordAt) {
    return "{\"at\":\"" + at + "\",\"recordAt\":\"" + recordAt + "\"}";
  }

  @Test
  void shouldReadTheValueFormatOfTheAppFromItsSettings() {
    var formats =
        org.mniststream.schemas.framing.ValueFormats.from(
            BenchCommand.settingsAsProperties(
                List.of(
                    "value.format=confluent",
                    "schema.registry.url = http://127.0.0.1:8081/apis/ccompat/v7",
                    "inference.batch.size=64",
                    "malformed")));

    assertThat(formats.anyConfluent()).isTrue();
    assertThat(formats.registryUrl())
        .hasValueSatisfying(u -> assertThat(u.getPort()).isEqualTo(8081));
  }

  @Test
  void shouldRefuseAMalformedVariantInOneLineBeforeStartingAnything() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream before = System.err;
    int code;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      code =
          new picocli.CommandLine(new BenchCommand())
              .execute("--variant", "fixed", "--variant", "b25=inference.latency-budget-ms");
    } finally {
      System.setErr(before);
    }

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo(
            "bench: --variant b25: 'inference.latency-budget-ms' is not key=value"
                + System.lineSeparator());
  }
}
