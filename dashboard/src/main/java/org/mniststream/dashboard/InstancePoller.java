package org.mniststream.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls each stream-app instance: {@code /model} every tick (one second), {@code /metrics} every
 * {@value #METRICS_EVERY} ticks (a scrape with all of Kafka Streams' meters is large). Each
 * instance is shown on its own: model state is per instance (each has its own registry, and during
 * a rollout they may briefly disagree), unlike the topic figures, which are global.
 */
final class InstancePoller {
  static final Duration TIMEOUT = Duration.ofMillis(1500);
  static final int METRICS_EVERY = 5;
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
    boolean metrics = ticks++ % METRICS_EVERY == 0;
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (Instance instance : instances) {
      calls.add(
          get(instance.endpoint("model"))
              .handle(
                  (body, error) -> {
                    instance.model(body, error, clock.millis());
                    return null;
                  }));
      if (metrics) {
        calls.add(
            get(instance.endpoint("metrics"))
                .handle(
                    (body, error) -> {
                      instance.metrics(body, error, clock.millis());
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

  void write(Json j) {
    j.beginArray();
    for (Instance instance : instances) {
      instance.write(j);
    }
    j.endArray();
  }

  /** What is known of one instance. Guarded by its own monitor (callbacks run on HTTP threads). */
  private static final class Instance {
    private final URI base;
    private Object model;
    private long modelAt;
    private String error;
    private long errorAt;
    private double eventsIn = Double.NaN;
    private double eventsInRate = Double.NaN;
    private long metricsAt;
    private Map<String, Double> predictionsByRoute = Map.of();
    private double deadLetters = Double.NaN;
    private double meanBatch = Double.NaN;
    private double swaps = Double.NaN;

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
        model = JsonReader.parse(body);
        modelAt = now;
        error = null;
      } catch (JsonReader.JsonException e) {
        fail(new IllegalStateException("/model is not JSON: " + e.getMessage()), now);
      }
    }

    synchronized void metrics(String body, Throwable failure, long now) {
      if (failure != null) {
        fail(failure, now);
        return;
      }
      List<PrometheusText.Sample> samples = PrometheusText.parse(body);
      double in = PrometheusText.sum(samples, "mnist_events_in_total");
      if (!Double.isNaN(eventsIn) && !Double.isNaN(in) && now > metricsAt && in >= eventsIn) {
        eventsInRate = (in - eventsIn) * 1000.0 / (now - metricsAt);
      }
      eventsIn = in;
      metricsAt = now;
      predictionsByRoute = PrometheusText.sumBy(samples, "mnist_predictions_total", "route");
      deadLetters = PrometheusText.sum(samples, "mnist_dead_letters_total");
      swaps = PrometheusText.sum(samples, "mnist_model_swaps_total");
      double batchSum = PrometheusText.sum(samples, "mnist_inference_batch_size_sum");
      double batchCount = PrometheusText.sum(samples, "mnist_inference_batch_size_count");
      meanBatch = batchCount > 0 ? batchSum / batchCount : Double.NaN;
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

    synchronized void write(Json j) {
      j.beginObject()
          .name("url")
          .value(base.toString())
          .name("reachable")
          .value(error == null && model != null)
          .name("error")
          .value(error)
          .name("errorAt")
          .value(error == null ? null : errorAt)
          .name("modelAt")
          .value(model == null ? null : modelAt)
          .name("model")
          .tree(model)
          .name("metrics")
          .beginObject()
          .name("at")
          .value(metricsAt == 0 ? null : metricsAt)
          .name("eventsIn")
          .value(eventsIn)
          .name("eventsInPerSecond")
          .value(RollingWindow.round(eventsInRate))
          .name("deadLetters")
          .value(deadLetters)
          .name("swaps")
          .value(swaps)
          .name("meanBatchSize")
          .value(RollingWindow.round(meanBatch))
          .name("predictionsByRoute")
          .beginObject();
      predictionsByRoute.forEach((route, n) -> j.name(route).value(n));
      j.endObject().endObject().endObject();
    }
  }
}
