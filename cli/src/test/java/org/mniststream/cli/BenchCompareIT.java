package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.kafka.FreePorts;
import org.mniststream.schemas.json.JsonCodec;
import org.mniststream.trainer.training.SubsetModels;

/**
 * {@code bench --compare naive} end to end: an embedded broker, the product and the naive peer as
 * child JVMs, one short run each at a low rate, and one drain each of a small queued backlog.
 */
class BenchCompareIT {

  @Test
  @Timeout(240)
  void shouldAccountForEveryEventOnBothSidesAndPrintBothRows(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("runs.jsonl");

    String out =
        bench(json, "--warmup", "1", "--duration", "5", "--rate", "200"); // ~1,200 events a side

    List<JsonNode> runs = lines(json);
    assertThat(runs).extracting(r -> r.get("side").asText()).containsExactly("PRODUCT", "NAIVE");
    for (JsonNode run : runs) {
      // ~200/s for 6 s: in = out + dead letters, and nothing twice
      assertThat(run.get("sent").longValue()).isGreaterThan(500);
      assertThat(run.get("predictions").longValue() + run.get("deadLetters").longValue())
          .isEqualTo(run.get("sent").longValue());
      assertThat(run.get("duplicates").longValue()).isZero();
      assertThat(run.get("cpuMsPerEvent").doubleValue()).isPositive();
    }
    assertThat(out.lines().filter(l -> l.matches("^(product|naive) +1 +\\d+ +\\d+ .*")).toList())
        .hasSize(2);
    assertThat(out).contains("product/naive   throughput");
  }

  @Test
  @Timeout(240)
  void shouldDrainTheSameBacklogOnBothSidesTimedByTheBrokersAppendTimes(@TempDir Path dir)
      throws Exception {
    Path json = dir.resolve("drains.jsonl");

    String out = bench(json, "--backlog", "400");

    List<JsonNode> runs = lines(json);
    assertThat(runs).extracting(r -> r.get("side").asText()).containsExactly("PRODUCT", "NAIVE");
    for (JsonNode run : runs) {
      assertThat(run.get("queued").longValue()).isEqualTo(400);
      assertThat(run.get("predictions").longValue() + run.get("deadLetters").longValue())
          .isEqualTo(400);
      // every output record on the run's own topic, with a broker append time
      JsonNode curve = run.get("curve");
      assertThat(curve.get("records").longValue()).isEqualTo(400);
      assertThat(curve.get("lastMillis").longValue())
          .isGreaterThanOrEqualTo(curve.get("firstMillis").longValue());
      long perSecondTotal = 0;
      for (JsonNode second : curve.get("perSecond")) {
        perSecondTotal += second.longValue();
      }
      assertThat(perSecondTotal).isEqualTo(400);
    }
    assertThat(out).contains("queued 400 events").contains("product/naive drain rate");
  }

  /** Runs {@code bench --compare naive --runs 1} with {@code extra}; its exit must be 0. */
  private static String bench(Path json, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "--data-dir",
                SubsetModels.subsetDir().toString(),
                "--model-dir",
                SubsetModels.subsetCnnDir().toString(),
                "--compare",
                "naive",
                "--runs",
                "1",
                "--http-port",
                Integer.toString(FreePorts.loopback()),
                "--json",
                json.toString()));
    args.addAll(List.of(extra));
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit = MnistStreamCli.execute(args.toArray(String[]::new));
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.print(out);
    assertThat(exit).as("bench's exit code").isZero();
    return out;
  }

  private static List<JsonNode> lines(Path json) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : Files.readAllLines(json)) {
      nodes.add(JsonCodec.readTree(line));
    }
    return nodes;
  }
}
