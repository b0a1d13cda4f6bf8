package org.mniststream.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.mniststream.schemas.json.JsonCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls each stream-app instance: {@code /model} every tick (one second), {@code /stats} every
 * {@value #STATS_EVERY} ticks (the input rate is measured between two of them, and over a few
 * seconds it does not jump with every batch). Both are the app's JSON documents. Each instance is
 * shown on its own: model state is per instance (each has its own registry, and during a rollout
 * they may briefly disagree), unlike the topic figures, which are global.
 */
final class InstancePoller {
  static final Duration TIMEOUT = Duration.ofMillis(1500);
  static final int STATS_EVERY = 5;
  private static final Logger LOG = LoggerFactory.getLogger(InstancePoller.class);

  private final List<Instance> instances;
  private final HttpClient http;
  private final Clock clock;
  private long ticks;

  InstancePoller(List<URI> baseUrls, Clock clock) {
    this.instances = baseUrls.stream().map(Instance::new).toList();
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** One round: every instance in parallel, bounded by {@link #TIMEOUT}. */
  void poll() {
    boolean stats = ticks++ % STATS_EVERY == 0;
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (Instance instance : instances) {
      calls.add(
          get(instance.endpoint("model"))
              .handle(
                  (body, error) -> {
                    instance.model(body, error, clock.millis());
                    return null;
                  }));
      if (stats) {
        calls.add(
            get(instance.endpoint("stats"))
                .handle(
                    (body, error) -> {
                      instance.stats(body, error, clock.millis());
                      return null;
                    }));
      }
    }
    try {
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
          .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("instance poll round did not finish in time", e);
    }
  }

  private CompletableFuture<String> get(URI uri) {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r -> {
              if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + " from " + uri);
              }
              return r.body();
            });
  }

  /** What is known of every instance, in the configured order. */
  List<InstanceStatus> snapshot() {
    return instances.stream().map(Instance::status).toList();
  }

  /**
   * One instance as the page shows it.
   *
   * @param reachable whether its last answers came back and a {@code /model} is known
   * @param model its latest {@code /model} document, passed through as it came
   */
  record InstanceStatus(
      String url,
      boolean reachable,
      String error,
      Long errorAt,
      Long modelAt,
      JsonNode model,
      InstanceMetrics metrics) {}

  /**
   * The instance's {@code /stats}, and its input rate between the last two.
   *
   * @param at when they were read, null before the first time
   */
  record InstanceMetrics(
      Long at,
      Long eventsIn,
      Double eventsInPerSecond,
      Long deadLetters,
      Long swaps,
      Double meanBatchSize,
      Map<String, Long> predictionsByRoute) {}

  /** What is known of one instance. Guarded by its own monitor (callbacks run on HTTP threads). */
  private static final class Instance {
    private final URI base;
    private JsonNode model;
    private long modelAt;
    private String error;
    private long errorAt;
    private JsonNode stats;
    private long statsAt;
    private Double eventsInRate;

    Instance(URI base) {
      this.base = base;
    }

    URI endpoint(String path) {
      String b = base.toString();
      return URI.create((b.endsWith("/") ? b : b + "/") + path);
    }

    synchronized void model(String body, Throwable failure, long now) {
      if (failure != null) {
        fail(failure, now);
        return;
      }
      try {
        model = JsonCodec.readTree(body);
        modelAt = now;
        error = null;
      } catch (JsonProcessingException e) {
        fail(new IllegalStateException("/model is not JSON: " + e.getOriginalMessage()), now);
      }
    }

    synchronized void stats(String body, Throwable failure, long now) {
      if (failure != null) {
        fail(failure, now);
        return;
      }
      JsonNode next;
      try {
        next = JsonCodec.readTree(body);
      } catch (JsonProcessingException e) {
        fail(new IllegalStateException("/stats is not JSON: " + e.getOriginalMessage()), now);
        return;
      }
      if (stats != null && now > statsAt) {
        long in = next.path("eventsIn").asLong();
        long before = stats.path("eventsIn").asLong();
        // A restarted instance counts from zero again: no rate for that interval.
        eventsInRate = in >= before ? (in - before) * 1000.0 / (now - statsAt) : null;
      }
      stats = next;
      statsAt = now;
    }

    private void fail(Throwable failure, long now) {
      Throwable cause = failure;
      boolean refused = false;
      while (cause.getCause() != null && cause.getCause() != cause) {
        refused |= cause instanceof java.net.ConnectException;
        cause = cause.getCause();
      }
      refused |= cause instanceof java.net.ConnectException;
      if (refused) {
        error = "cannot connect (is the stream app running?)";
      } else if (cause instanceof java.net.http.HttpTimeoutException) {
        error = "no answer within " + TIMEOUT.toMillis() + " ms";
      } else {
        error = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      }
      errorAt = now;
    }

    synchronized InstanceStatus status() {
      return new InstanceStatus(
          base.toString(),
          error == null && model != null,
          error,
          error == null ? null : errorAt,
          model == null ? null : modelAt,
          model,
          stats == null
              ? new InstanceMetrics(null, null, null, null, null, null, Map.of())
              : new InstanceMetrics(
                  statsAt,
                  stats.path("eventsIn").asLong(),
                  eventsInRate == null ? null : RollingWindow.round(eventsInRate),
                  stats.path("deadLetters").asLong(),
                  stats.path("swaps").asLong(),
                  stats.path("meanBatchSize").isNumber()
                      ? RollingWindow.round(stats.path("meanBatchSize").asDouble())
                      : null,
                  routes(stats.path("predictionsByRoute"))));
    }

    private static Map<String, Long> routes(JsonNode byRoute) {
      Map<String, Long> routes = new TreeMap<>();
      byRoute.properties().forEach(e -> routes.put(e.getKey(), e.getValue().asLong()));
      return Collections.unmodifiableMap(routes);
    }
  }
}
