package org.mniststream.dashboard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.json.JsonCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Open Inference Protocol (KServe v2, REST) over the stream, on the dashboard's server and its
 * Kafka clients (its one producer, its one predictions consumer: no second of either):
 *
 * <ul>
 *   <li>{@code POST /v2/models/{name}/infer}: a request ({@link InferRequest}) becomes an image
 *       event with a fresh event id and source {@value #SOURCE} on the image-events topic; the
 *       answer is the prediction of that event id that comes back on the predictions topic: {@code
 *       probabilities} (FP32 [1,10]) and {@code predicted_class} (INT64 [1]), with the {@code
 *       model_version} that answered. No prediction within the timeout: 504; more requests waiting
 *       than the bound: 429 at once; the event dead-lettered: 400 with the reason;
 *   <li>{@code GET /v2/health/live} (200), {@code GET /v2/health/ready} (200 while the dashboard's
 *       consumer has its partitions, else 503), {@code GET /v2/models/{name}/ready};
 *   <li>{@code GET /v2} (server metadata), {@code GET /v2/models/{name}} (model metadata: the
 *       versions seen answering, the input and output tensors).
 * </ul>
 *
 * Errors are {@code {"error": "..."}}, as the protocol says. Any model name but the configured one
 * is a 404. With a draw token, {@code infer} requires it too; it has its own per-client rate limit
 * ({@link InferenceOptions#perSecond()}, none by default).
 */
final class InferenceProtocol implements StreamConsumer.Replies {
  /** The {@code source} of the image events of inference requests. */
  static final String SOURCE = "dashboard-oip";

  static final String PLATFORM = "mnist-stream";
  private static final Logger LOG = LoggerFactory.getLogger(InferenceProtocol.class);
  private static final String MODELS = "/v2/models/";

  private final InferenceOptions options;
  private final Producer<String, byte[]> producer;
  private final TopicNames topics;
  private final Clock clock;
  private final BooleanSupplier ready;
  private final Optional<byte[]> token;
  private final RateLimiter limit;
  private final Semaphore inFlight;
  private final Map<String, CompletableFuture<Reply>> pending = new ConcurrentHashMap<>();
  private final NavigableSet<Long> versions = new ConcurrentSkipListSet<>();
  private final java.util.function.Function<ImageEvent, byte[]> encode;

  InferenceProtocol(
      InferenceOptions options,
      Producer<String, byte[]> producer,
      TopicNames topics,
      Clock clock,
      BooleanSupplier ready,
      Optional<byte[]> token) {
    this(options, producer, topics, clock, ready, token, ContractSerdes.imageEvent()::encode);
  }

  /** As above, with the image events encoded by {@code encode} (the configured value format). */
  InferenceProtocol(
      InferenceOptions options,
      Producer<String, byte[]> producer,
      TopicNames topics,
      Clock clock,
      BooleanSupplier ready,
      Optional<byte[]> token,
      java.util.function.Function<ImageEvent, byte[]> encode) {
    this.encode = encode;
    this.options = options;
    this.producer = producer;
    this.topics = topics;
    this.clock = clock;
    this.ready = ready;
    this.token = token;
    this.limit = new RateLimiter(options.perSecond(), options.burst(), System::nanoTime);
    this.inFlight = new Semaphore(options.maxInFlight());
  }

  /** What came back for an event id: its prediction, or its dead letter. */
  record Reply(Prediction prediction, DeadLetter deadLetter) {}

  record Tensor(String name, List<Long> shape, String datatype, List<? extends Number> data) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record InferResponse(String model_name, String model_version, String id, List<Tensor> outputs) {}

  record TensorSpec(String name, String datatype, List<Long> shape) {}

  record ModelMetadata(
      String name,
      List<String> versions,
      String platform,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs) {}

  record ServerMetadata(String name, String version, List<String> extensions) {}

  record Ready(boolean ready) {}

  @Override
  public void prediction(Prediction p) {
    if (options.modelName().equals(p.getModelName())) {
      versions.add(p.getModelVersion());
    }
    CompletableFuture<Reply> waiting = pending.get(p.getEventId());
    if (waiting != null) {
      waiting.complete(new Reply(p, null));
    }
  }

  @Override
  public void deadLetter(DeadLetter letter) {
    CompletableFuture<Reply> waiting =
        letter.getEventId() == null ? null : pending.get(letter.getEventId());
    if (waiting != null) {
      waiting.complete(new Reply(null, letter));
    }
  }

  /** Requests waiting for their prediction now. */
  int inFlight() {
    return pending.size();
  }

  /** Serves everything under {@code /v2}. */
  void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (path.endsWith("/") && path.length() > 1) {
        path = path.substring(0, path.length() - 1);
      }
      switch (path) {
        case "/v2" -> {
          if (DashboardServer.allow(ex, "GET")) {
            json(ex, 200, new ServerMetadata(PLATFORM, "0.1.0", List.of()));
          }
          return;
        }
        case "/v2/health/live" -> {
          if (DashboardServer.allow(ex, "GET")) {
            json(ex, 200, new Ready(true));
          }
          return;
        }
        case "/v2/health/ready" -> {
          if (DashboardServer.allow(ex, "GET")) {
            boolean r = ready.getAsBoolean();
            json(ex, r ? 200 : 503, new Ready(r));
          }
          return;
        }
        default -> {}
      }
      if (!path.startsWith(MODELS)) {
        DashboardServer.error(ex, 404, "not found: " + path);
        return;
      }
      String[] parts = path.substring(MODELS.length()).split("/", -1);
      String name = parts[0];
      if (!options.modelName().equals(name)) {
        DashboardServer.error(
            ex,
            404,
            "unknown model '" + name + "' (this gateway serves '" + options.modelName() + "')");
        return;
      }
      if (parts.length == 1) {
        if (DashboardServer.allow(ex, "GET")) {
          json(ex, 200, metadata());
        }
      } else if (parts.length == 2 && "ready".equals(parts[1])) {
        if (DashboardServer.allow(ex, "GET")) {
          boolean r = ready.getAsBoolean();
          json(ex, r ? 200 : 503, new Ready(r));
        }
      } else if (parts.length == 2 && "infer".equals(parts[1])) {
        if (DashboardServer.allow(ex, "POST") && admitted(ex)) {
          infer(ex);
        }
      } else {
        DashboardServer.error(ex, 404, "not found: " + path);
      }
    }
  }

  private ModelMetadata metadata() {
    return new ModelMetadata(
        options.modelName(),
        versions.stream().map(String::valueOf).toList(),
        PLATFORM,
        List.of(
            new TensorSpec("image", "UINT8", List.of(1L, 784L)),
            new TensorSpec("image", "FP32", List.of(1L, 28L, 28L)),
            new TensorSpec("image", "BYTES", List.of(1L))),
        List.of(
            new TensorSpec("probabilities", "FP32", List.of(1L, 10L)),
            new TensorSpec("predicted_class", "INT64", List.of(1L))));
  }

  private boolean admitted(HttpExchange ex) throws IOException {
    RateLimiter.Decision decision =
        limit.tryAcquire(ex.getRemoteAddress().getAddress().getHostAddress());
    if (!decision.allowed()) {
      ex.getResponseHeaders().set("Retry-After", Long.toString(decision.retryAfterSeconds()));
      DashboardServer.error(
          ex, 429, "too many requests, retry in " + decision.retryAfterSeconds() + " s");
      return false;
    }
    if (token.isPresent() && !DashboardServer.bearerMatches(ex, token.get())) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"mnist-stream dashboard\"");
      DashboardServer.error(
          ex, 401, "this gateway needs the dashboard's draw token (Authorization: Bearer <token>)");
      return false;
    }
    return true;
  }

  private void infer(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(InferRequest.MAX_BODY_BYTES + 1);
    }
    if (body.length > InferRequest.MAX_BODY_BYTES) {
      DashboardServer.error(ex, 413, "body larger than " + InferRequest.MAX_BODY_BYTES + " bytes");
      return;
    }
    InferRequest.Inference request;
    try {
      request = InferRequest.parse(body);
    } catch (InferRequest.InvalidInferenceException e) {
      DashboardServer.error(ex, 400, e.getMessage());
      return;
    }
    if (!inFlight.tryAcquire()) {
      ex.getResponseHeaders().set("Retry-After", "1");
      DashboardServer.error(
          ex, 429, "too many inferences in flight (" + options.maxInFlight() + "), retry shortly");
      return;
    }
    String eventId = "oip-" + UUID.randomUUID();
    CompletableFuture<Reply> reply = new CompletableFuture<>();
    // Waiting before it is sent: the prediction may come back before send() returns.
    pending.put(eventId, reply);
    try {
      DrawRequest.DrawnImage image = request.image();
      ImageEvent event =
          ImageEvent.newBuilder()
              .setEventId(eventId)
              .setSource(SOURCE)
              .setEventTime(clock.instant())
              .setWidth(image.width())
              .setHeight(image.height())
              .setEncoding(image.encoding())
              .setPixels(ByteBuffer.wrap(image.pixels()))
              .setLabel(null)
              .setAttributes(Map.of())
              .build();
      producer.send(
          new ProducerRecord<>(topics.images(), eventId, encode.apply(event)),
          (metadata, e) -> {
            if (e != null) {
              reply.completeExceptionally(e);
            }
          });
      Reply r = reply.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (r.deadLetter() != null) {
        DashboardServer.error(
            ex,
            400,
            "the image was dead-lettered: "
                + r.deadLetter().getReason()
                + ": "
                + r.deadLetter().getMessage());
        return;
      }
      json(ex, 200, response(request.id() != null ? request.id() : eventId, r.prediction()));
    } catch (TimeoutException e) {
      DashboardServer.error(
          ex,
          504,
          "no prediction for event "
              + eventId
              + " within "
              + options.timeout().toMillis()
              + " ms (is a stream app running?)");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      LOG.warn("Sending an inference request to {} failed: {}", topics.images(), cause.toString());
      DashboardServer.error(
          ex, 503, "could not send the image event to Kafka: " + cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      DashboardServer.error(ex, 503, "interrupted");
    } finally {
      pending.remove(eventId);
      inFlight.release();
    }
  }

  private InferResponse response(String id, Prediction p) {
    return new InferResponse(
        p.getModelName(),
        Long.toString(p.getModelVersion()),
        id,
        List.of(
            new Tensor("probabilities", List.of(1L, 10L), "FP32", p.getProbabilities()),
            new Tensor(
                "predicted_class", List.of(1L), "INT64", List.of((long) p.getPredictedClass()))));
  }

  private static void json(HttpExchange ex, int status, Object body) throws IOException {
    DashboardServer.send(ex, status, "application/json", JsonCodec.write(body));
  }
}
