package org.mniststream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.mniststream.schemas.json.JsonCodec;

/**
 * How fast rollouts reached a whole fleet: for every models or rollouts record that changed the
 * routes of every instance, the time from the record's timestamp until the LAST instance served the
 * new routes (from each instance's {@code /model} swap history, whose entries carry the record's
 * timestamp and the moment of the swap). Percentiles are over those records.
 *
 * @param swaps records that reached every instance after the measurement started
 * @param p50 median fleet convergence, ms
 * @param p99 99th percentile, ms (the largest of fewer than 100 swaps)
 * @param max the slowest, ms
 */
record Convergence(int swaps, long p50, long p99, long max) {

  /** Reads {@code /model} of the instances on these loopback ports. */
  static Convergence fetch(List<Integer> ports, Instant since) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    List<JsonNode> models = new ArrayList<>();
    for (int port : ports) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/model"))
              .timeout(Duration.ofSeconds(5))
              .build();
      try {
        models.add(
            JsonCodec.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body()));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read /model on port " + port + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return of(models, since);
  }

  /** The fleet convergence of the {@code /model} documents of every instance. */
  static Convergence of(List<JsonNode> models, Instant since) {
    // record timestamp -> the slowest instance so far, and how many instances swapped for it
    Map<Instant, long[]> byRecord = new TreeMap<>();
    for (JsonNode model : models) {
      for (JsonNode swap : model.path("history")) {
        JsonNode recordAt = swap.get("recordAt");
        if (recordAt == null || recordAt.isNull()) {
          continue;
        }
        Instant record = Instant.parse(recordAt.textValue());
        Instant at = Instant.parse(swap.get("at").textValue());
        if (record.isBefore(since)) {
          continue;
        }
        long[] slowest = byRecord.computeIfAbsent(record, r -> new long[2]);
        slowest[0] = Math.max(slowest[0], Duration.between(record, at).toMillis());
        slowest[1]++;
      }
    }
    List<Long> fleet = new ArrayList<>();
    byRecord.values().stream().filter(v -> v[1] == models.size()).forEach(v -> fleet.add(v[0]));
    fleet.sort(null);
    if (fleet.isEmpty()) {
      return new Convergence(0, 0, 0, 0);
    }
    return new Convergence(
        fleet.size(),
        fleet.get((fleet.size() - 1) / 2),
        fleet.get((int) Math.ceil(0.99 * fleet.size()) - 1),
        fleet.get(fleet.size() - 1));
  }

  String describe() {
    return swaps == 0
        ? "no swap reached every instance"
        : String.format(
            Locale.ROOT,
            "%d swaps reached every instance: p50 %d ms, p99 %d ms, max %d ms",
            swaps,
            p50,
            p99,
            max);
  }
}
