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
 * child JVMs, one short run each at a low rate.
 */
class BenchCompareIT {

  @Test
  @Timeout(240)
  void shouldAccountForEveryEventOnBothSidesAndPrintBothRows(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("runs.jsonl");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit =
          MnistStreamCli.execute(
              "bench",
              "--data-dir",
              SubsetModels.subsetDir().toString(),
              "--model-dir",
              SubsetModels.subsetCnnDir().toString(),
              "--compare",
              "naive",
              "--runs",
              "1",
              "--warmup",
              "1",
              "--duration",
              "5",
              "--rate",
              "200",
              "--http-port",
              Integer.toString(FreePorts.loopback()),
              "--json",
              json.toString());
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    original.print(out);

    assertThat(exit).isZero();
    List<JsonNode> runs = new ArrayList<>();
    for (String line : Files.readAllLines(json)) {
      runs.add(JsonCodec.readTree(line));
    }
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
}
