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
import java.util.LinkedHashMap;
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
 *
 * <p>The instances to poll are handed to each round: the fleet's live instances change, and one
 * that left is no longer polled nor shown. What is known of an address is kept while it stays.
 */
final class InstancePoller {
  static final Duration TIMEOUT = Duration.ofMillis(1500);
  static final int STATS_EVERY = 5;
  private static final Logger LOG = LoggerFactory.getLogger(InstancePoller.class);

  private final HttpClient http;
  private final Clock clock;
  private final Map<URI, Instance> known = new LinkedHashMap<>();
  private volatile List<Instance> instances = List.of();
  private long ticks;

  InstancePoller(Clock clock) {
    this.clock = clock;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * An instance to poll.
   *
   * @param instanceId its id on the instances topic, null for one given by URL only
   */
  record Target(URI url, String instanceId) {}

  /**
   * One round: every target in parallel, bounded by {@link #TIMEOUT}. Called from one thread at a
   * time.
   */
  void poll(List<Target> targets) {
    Map<URI, Instance> next = new LinkedHashMap<>();
    boolean fresh = false;
    for (Target target : targets) {
      if (!next.containsKey(target.url())) {
        Instance instance = known.get(target.url());
        if (instance == null) {
          instance = new Instance(target.url());
          fresh = true;
        }
        instance.instanceId(target.instanceId());
        next.put(target.url(), instance);
      }
    }
    known.clear();
    known.putAll(next);
    instances = List.copyOf(next.values());
    // A new instance's first /stats starts its input rate: read it now, not up to 5 rounds later.
    boolean stats = ticks++ % STATS_EVERY == 0 || fresh;
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

  /** What is known of every instance of the latest round, in the order of its targets. */
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
      String instanceId,
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
    private String instanceId;
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

    synchronized void instanceId(String id) {
      instanceId = id;
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
          instanceId,
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
