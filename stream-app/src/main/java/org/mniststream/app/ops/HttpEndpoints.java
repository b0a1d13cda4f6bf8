package org.mniststream.app.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.mniststream.app.models.RegistryStatus;
import org.mniststream.schemas.json.JsonCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint, on the JDK's HTTP server:
 *
 * <ul>
 *   <li>{@code /health}: 200 while the process runs (liveness);
 *   <li>{@code /ready}: 200 when Kafka Streams runs and a model serves, else 503 with the reason;
 *   <li>{@code /model}: JSON of the routes, versions, refusals and swap history ({@link
 *       ModelStatusDocument});
 *   <li>{@code /stats}: JSON of the few counts the dashboard shows ({@link AppStats});
 *   <li>{@code /metrics}: Prometheus text exposition of every meter.
 * </ul>
 */
public final class HttpEndpoints implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private HttpEndpoints(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code port} (0 picks a free one) on the address {@code bind} only: loopback unless the
   * operator asks for more, so that nothing but this machine reads the model status and metrics.
   *
   * @param bind a host name or IP address; {@code 0.0.0.0} listens on every interface
   * @param notReadyReason empty when ready, else why not
   */
  public static HttpEndpoints start(
      String bind,
      int port,
      Supplier<Optional<String>> notReadyReason,
      Supplier<RegistryStatus> modelStatus,
      PrometheusMeterRegistry prometheus) {
    InetSocketAddress address = new InetSocketAddress(bind, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException(
          "cannot bind the HTTP endpoint: host '" + bind + "' does not resolve");
    }
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot bind the HTTP endpoint to " + bind + " port " + port + ": " + e.getMessage(), e);
    }
    server.createContext("/health", ex -> respond(ex, 200, "text/plain", "UP\n"));
    server.createContext(
        "/ready",
        ex -> {
          Optional<String> reason = notReadyReason.get();
          respond(
              ex,
              reason.isEmpty() ? 200 : 503,
              "text/plain",
              reason.map(r -> "NOT READY: " + r + "\n").orElse("READY\n"));
        });
    server.createContext(
        "/model", ex -> respondJson(ex, ModelStatusDocument.of(modelStatus.get())));
    server.createContext("/stats", ex -> respondJson(ex, AppStats.of(prometheus)));
    server.createContext("/metrics", ex -> respond(ex, 200, PROMETHEUS_TEXT, prometheus.scrape()));
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "http-endpoint");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    LOG.info(
        "HTTP endpoint on {} port {}: /health /ready /model /stats /metrics",
        bind,
        server.getAddress().getPort());
    return new HttpEndpoints(server, executor);
  }

  /** The address listened on ({@code 0.0.0.0} or {@code ::} for every interface). */
  public InetAddress address() {
    return server.getAddress().getAddress();
  }

  /** The bound port (the chosen one when configured with 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void respondJson(HttpExchange ex, Object document) throws IOException {
    respond(ex, 200, "application/json", JsonCodec.write(document) + "\n");
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      if ("HEAD".equals(method)) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
