package org.mniststream.dashboard;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.InstanceHeartbeat;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.FramedSerde;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;
import org.mniststream.schemas.json.JsonCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard: a web page fed by the topics and by the stream app instances, on the JDK's
 * HTTP server.
 *
 * <p>Endpoints:
 *
 * <ul>
 *   <li>{@code GET /}: the page (plain HTML, JS and CSS from the classpath; no CDN);
 *   <li>{@code GET /events}: Server-Sent Events: {@code state} (the snapshot below) every second,
 *       {@code drawn} when a digit drawn on the page is classified or dead-lettered;
 *   <li>{@code GET /api/state}: the same JSON snapshot, for tests and scripts;
 *   <li>{@code POST /api/draw}: a drawn digit (see {@link DrawRequest}); produces a real {@code
 *       ImageEvent} with a fresh event id and source {@value #SOURCE} to the image-events topic and
 *       answers {@code 202 {"eventId": ...}}; its prediction comes back on {@code /events};
 *   <li>{@code POST /api/draw/label}: "wrong, it was N" for a digit drawn on the page ({@code
 *       {"eventId": ..., "label": N}}, see {@link LabelRequest}): produces a {@code LabelEvent}
 *       labelled by {@value #DRAW_LABELLER} to the labels topic;
 *   <li>{@code POST /api/review/label}: a person's label for an item of the review panel (same
 *       body): produces a {@code LabelEvent} labelled by {@value #REVIEW_LABELLER} and removes the
 *       item;
 *   <li>{@code /v2/...}: the Open Inference Protocol (KServe v2): {@code POST
 *       /v2/models/{name}/infer} answers with the prediction that comes back through Kafka (see
 *       {@link InferenceProtocol}), with its own rate limit; the draw token guards it too.
 * </ul>
 *
 * <p>The review panel is read from the review topic (see {@link ReviewConsumer}): the latest
 * low-confidence predictions not labelled yet, with the image the model saw.
 *
 * <p>What is aggregated where: <b>the page aggregates the topic; model state per instance</b>. The
 * predictions topic is shared by every stream-app instance, so throughput, latency, accuracy, the
 * confusion matrix and dead letters are global (one consumer sees all partitions). The model state
 * ({@code /model}, {@code /stats}) lives in each instance's own registry, so it is polled from
 * every instance and shown per instance, side by side (instances may disagree for a moment while a
 * version rolls out).
 *
 * <p>The fleet is discovered, not configured: every live instance of the instances topic (see
 * {@link FleetConsumer}) is polled at the {@code httpAddress} of its heartbeat, and the fleet panel
 * shows every instance's last heartbeat, dead ones included for a while. Base URLs given to {@link
 * #start} are polled as well, for instances that publish no heartbeat.
 *
 * <p>The quality panel is read from the quality, rollouts and decisions topics (see {@link
 * QualityConsumer}): each version's live quality since it started, the current challenger's paired
 * comparison, each model's rollout stage, and the judge's latest decisions.
 *
 * <p>Every JSON document is a record written by Jackson ({@link JsonCodec}): {@link DashboardState}
 * for the snapshot, {@link Aggregates.DrawnOutcome} for {@code drawn}.
 *
 * <p>Who reaches it ({@link DashboardOptions}): the server binds loopback unless told otherwise
 * ({@code --bind 0.0.0.0} for every interface). The three POST endpoints produce to Kafka, so each
 * client address gets a token bucket on them ({@link RateLimiter}; 429 with {@code Retry-After}
 * beyond), and with a draw token they also require {@code Authorization: Bearer <token>} (401
 * without it; compared in constant time). The GET endpoints only read, and stay open to whoever
 * reaches the address.
 */
public final class DashboardServer implements AutoCloseable {
  /** The {@code source} of the image events drawn on the page. */
  public static final String SOURCE = "dashboard-canvas";

  /** The {@code labelledBy} of a label given in the review panel. */
  public static final String REVIEW_LABELLER = "dashboard-review";

  /** The {@code labelledBy} of a "wrong, it was N" of the draw panel. */
  public static final String DRAW_LABELLER = "dashboard-draw";

  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  private static final String WEB = "/org/mniststream/dashboard/web/";
  private static final Map<String, String[]> STATIC =
      Map.of(
          "/", new String[] {"index.html", "text/html; charset=utf-8"},
          "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
          "/dashboard.js", new String[] {"dashboard.js", "text/javascript; charset=utf-8"},
          "/dashboard.css", new String[] {"dashboard.css", "text/css; charset=utf-8"},
          "/favicon.svg", new String[] {"favicon.svg", "image/svg+xml"});
  private static final long SEND_TIMEOUT_MS = 15_000;

  private final Clock clock;
  private final TopicNames topics;
  private final long startedAt;
  private final Aggregates aggregates;
  private final StreamConsumer consumer;
  private final Producer<String, byte[]> producer;
  private final InstancePoller poller;
  private final FleetConsumer fleet;
  private final QualityBoard qualityBoard = new QualityBoard();
  private final QualityConsumer quality;
  private final ReviewQueue reviewQueue = new ReviewQueue();
  private final ReviewConsumer review;
  private final List<InstancePoller.Target> extraApps;
  private final SseHub hub = new SseHub();
  private final HttpServer server;
  private final ExecutorService httpThreads;
  private final ScheduledExecutorService ticker;
  private final int port;
  private final InetAddress boundTo;
  private final Optional<byte[]> drawToken;
  private final RateLimiter drawLimit;
  private final InferenceProtocol inference;
  private final FramedSerde<ImageEvent> imageWriter;
  private final FramedSerde<LabelEvent> labelWriter;

  private DashboardServer(
      DashboardClients clients,
      HttpServer server,
      TopicNames topics,
      List<URI> extraAppUrls,
      DashboardOptions options,
      Clock clock,
      ValueCodecs codecs) {
    this.clock = clock;
    this.drawToken = options.drawToken().map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.drawLimit =
        new RateLimiter(options.drawPerSecond(), options.drawBurst(), System::nanoTime);
    this.topics = topics;
    this.startedAt = clock.millis();
    this.server = server;
    this.aggregates = new Aggregates(clock, new ImageCache(ImageCache.DEFAULT_CAPACITY));
    this.poller = new InstancePoller(clock);
    this.extraApps = extraAppUrls.stream().map(u -> new InstancePoller.Target(u, null)).toList();
    this.fleet = new FleetConsumer(clients.fleetConsumer(), topics.instances(), clock);
    this.quality = new QualityConsumer(clients.qualityConsumer(), topics, qualityBoard);
    this.review = new ReviewConsumer(clients.reviewConsumer(), topics.review(), reviewQueue);
    this.producer = clients.producer();
    // what the dashboard writes follows value.format too: drawn and inferred images, labels
    this.imageWriter = codecs.serde(topics.images(), ContractSerdes.imageEvent());
    this.labelWriter = codecs.serde(topics.labels(), ContractSerdes.labelEvent());
    this.inference =
        new InferenceProtocol(
            options.inference(),
            producer,
            topics,
            clock,
            this::consuming,
            drawToken,
            event -> imageWriter.serialize(topics.images(), event));
    this.consumer =
        new StreamConsumer(
            clients.consumer(),
            topics,
            aggregates,
            outcome -> hub.broadcast(SseHub.frame("drawn", JsonCodec.write(outcome))),
            inference,
            codecs);
    // One thread per SSE client (bounded by SseHub.MAX_CLIENTS) plus the short requests.
    this.httpThreads = Executors.newCachedThreadPool(daemon("dashboard-http"));
    this.ticker = Executors.newScheduledThreadPool(2, daemon("dashboard-tick"));
    this.port = server.getAddress().getPort();
    this.boundTo = server.getAddress().getAddress();
    server.setExecutor(httpThreads);
    server.createContext("/", this::page);
    server.createContext("/events", this::events);
    server.createContext("/api/state", this::state);
    server.createContext("/api/draw", this::draw);
    server.createContext("/api/draw/label", ex -> label(ex, "/api/draw/label", DRAW_LABELLER));
    server.createContext(
        "/api/review/label", ex -> label(ex, "/api/review/label", REVIEW_LABELLER));
    server.createContext("/v2", inference::handle);
  }

  /**
   * Starts a dashboard.
   *
   * @param clients its Kafka clients, e.g. {@code DashboardClients.connect(kafka)}; the dashboard
   *     owns them from now on, and closes them also when it cannot start
   * @param topics the topic names, e.g. {@code TopicNames.from(kafka)}
   * @param extraAppUrls base URLs of stream-app instances to poll besides those the instances topic
   *     tells (usually empty: for instances that publish no heartbeat)
   * @param port the port to serve on, on loopback, 0 for a free one (see {@link #port()}); no draw
   *     token, the default rate limit
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static DashboardServer start(
      DashboardClients clients, TopicNames topics, List<URI> extraAppUrls, int port) {
    return start(clients, topics, extraAppUrls, DashboardOptions.onPort(port));
  }

  /**
   * Starts a dashboard with the given address, port, draw token and rate limit.
   *
   * @throws UncheckedIOException when the address cannot be bound
   * @throws IllegalArgumentException when the bind address does not resolve
   */
  public static DashboardServer start(
      DashboardClients clients,
      TopicNames topics,
      List<URI> extraAppUrls,
      DashboardOptions options) {
    return start(clients, topics, extraAppUrls, options, Clock.systemUTC());
  }

  static DashboardServer start(
      DashboardClients clients, TopicNames topics, List<URI> extraAppUrls, int port, Clock clock) {
    return start(clients, topics, extraAppUrls, DashboardOptions.onPort(port), clock);
  }

  /**
   * As above; predictions, dead letters and image events are read in either value format that
   * {@code codecs} read (Confluent framing when they name a schema registry).
   */
  public static DashboardServer start(
      DashboardClients clients,
      TopicNames topics,
      List<URI> extraAppUrls,
      DashboardOptions options,
      ValueCodecs codecs) {
    return start(clients, topics, extraAppUrls, options, Clock.systemUTC(), codecs);
  }

  static DashboardServer start(
      DashboardClients clients,
      TopicNames topics,
      List<URI> extraAppUrls,
      DashboardOptions options,
      Clock clock) {
    return start(
        clients, topics, extraAppUrls, options, clock, ValueCodecs.of(ValueFormats.SINGLE_OBJECT));
  }

  static DashboardServer start(
      DashboardClients clients,
      TopicNames topics,
      List<URI> extraAppUrls,
      DashboardOptions options,
      Clock clock,
      ValueCodecs codecs) {
    InetSocketAddress address = new InetSocketAddress(options.bind(), options.port());
    if (address.isUnresolved()) {
      clients.close();
      throw new IllegalArgumentException(
          "cannot bind the dashboard: host '" + options.bind() + "' does not resolve");
    }
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      clients.close();
      throw new UncheckedIOException(
          "cannot bind the dashboard to " + options.bind() + " port " + options.port(), e);
    }
    DashboardServer d =
        new DashboardServer(
            clients, server, topics, List.copyOf(extraAppUrls), options, clock, codecs);
    d.consumer.start();
    d.fleet.start();
    d.quality.start();
    d.review.start();
    d.server.start();
    d.ticker.scheduleWithFixedDelay(d::safePoll, 0, 1, TimeUnit.SECONDS);
    d.ticker.scheduleAtFixedRate(d::tick, 1, 1, TimeUnit.SECONDS);
    LOG.info(
        "Dashboard on {}, listening on {} (draw token {}, draw limit {}/s burst {}; {}; topics {}, {},"
            + " {}, {}; fleet from {}; quality from {}, {}, {}; review from {}, labels to {};"
            + " stream apps also at {})",
        d.url(),
        options.bind(),
        options.drawToken().isPresent() ? "required" : "not required",
        options.drawPerSecond(),
        options.drawBurst(),
        options.inference(),
        topics.predictions(),
        topics.shadowPredictions(),
        topics.deadLetters(),
        topics.images(),
        topics.instances(),
        topics.quality(),
        topics.rollouts(),
        topics.decisions(),
        topics.review(),
        topics.labels(),
        extraAppUrls);
    return d;
  }

  /** The bound port (the chosen one when started with 0). */
  public int port() {
    return port;
  }

  /**
   * The page's address on this host: {@code localhost} when listening on every interface, else the
   * address listened on.
   */
  public URI url() {
    if (boundTo.isAnyLocalAddress()) {
      return URI.create("http://localhost:" + port() + "/");
    }
    String host = boundTo.getHostAddress().split("%", 2)[0];
    return URI.create(
        "http://"
            + (boundTo instanceof Inet6Address ? "[" + host + "]" : host)
            + ":"
            + port()
            + "/");
  }

  /** Whether the consumer has its partitions: from then on, every new record counts. */
  public boolean consuming() {
    return consumer.assigned();
  }

  /**
   * The state snapshot the page renders: the aggregates of the topics (their members appear at the
   * top level), the model state polled from each stream-app instance, the fleet from the instances
   * topic, and the quality panel from the quality, rollouts and decisions topics.
   */
  record DashboardState(
      long now,
      long startedAt,
      boolean consuming,
      Topics topics,
      int sseClients,
      @JsonUnwrapped Aggregates.Snapshot aggregates,
      List<InstancePoller.InstanceStatus> instances,
      Fleet.Snapshot fleet,
      QualityBoard.Snapshot quality,
      ReviewQueue.Snapshot review) {}

  record Topics(
      String images,
      String predictions,
      String shadowPredictions,
      String deadLetters,
      String instances,
      String quality,
      String rollouts,
      String decisions,
      String review,
      String labels) {}

  /** The answer to an accepted drawing: the image event it became. */
  record DrawAccepted(String eventId, String encoding, int width, int height) {}

  /** The answer to an accepted label: the label event produced. */
  record LabelAccepted(String eventId, int label, String labelledBy) {}

  record ErrorBody(String error) {}

  DashboardState snapshot() {
    return new DashboardState(
        clock.millis(),
        startedAt,
        consumer.assigned(),
        new Topics(
            topics.images(),
            topics.predictions(),
            topics.shadowPredictions(),
            topics.deadLetters(),
            topics.instances(),
            topics.quality(),
            topics.rollouts(),
            topics.decisions(),
            topics.review(),
            topics.labels()),
        hub.clients(),
        aggregates.snapshot(),
        poller.snapshot(),
        fleet.snapshot(),
        qualityBoard.snapshot(),
        reviewQueue.snapshot());
  }

  /** The JSON state snapshot, as {@code /api/state} serves it. */
  public String stateJson() {
    return JsonCodec.write(snapshot());
  }

  private void safePoll() {
    try {
      poller.poll(targets());
    } catch (RuntimeException e) {
      LOG.warn("Polling the stream app instances failed", e);
    }
  }

  /** The live instances that tell where they answer, then the extra URLs. */
  private List<InstancePoller.Target> targets() {
    List<InstancePoller.Target> targets = new ArrayList<>();
    for (InstanceHeartbeat h : fleet.live()) {
      if (h.getHttpAddress() == null) {
        continue;
      }
      try {
        targets.add(new InstancePoller.Target(URI.create(h.getHttpAddress()), h.getInstanceId()));
      } catch (IllegalArgumentException e) {
        // One instance's bad address must not stop the polling of the others.
        LOG.debug("Instance {} has no usable httpAddress: {}", h.getInstanceId(), e.getMessage());
      }
    }
    targets.addAll(extraApps);
    return targets;
  }

  private void tick() {
    try {
      if (hub.clients() > 0) {
        hub.broadcast(SseHub.frame("state", stateJson()));
      }
    } catch (RuntimeException e) {
      LOG.warn("Building the dashboard state failed", e);
    }
  }

  private void page(HttpExchange ex) throws IOException {
    try (ex) {
      String[] resource = STATIC.get(ex.getRequestURI().getPath());
      if (resource == null) {
        send(ex, 404, "text/plain; charset=utf-8", "not found\n");
        return;
      }
      if (!allow(ex, "GET")) {
        return;
      }
      byte[] body;
      try (InputStream in = DashboardServer.class.getResourceAsStream(WEB + resource[0])) {
        if (in == null) {
          send(ex, 500, "text/plain; charset=utf-8", "missing resource " + resource[0] + "\n");
          return;
        }
        body = in.readAllBytes();
      }
      send(ex, 200, resource[1], body);
    }
  }

  private void events(HttpExchange ex) throws IOException {
    if (!exactPath(ex, "/events") || !allow(ex, "GET")) {
      ex.close();
      return;
    }
    hub.serve(ex, SseHub.frame("state", stateJson()));
  }

  private void state(HttpExchange ex) throws IOException {
    try (ex) {
      if (exactPath(ex, "/api/state") && allow(ex, "GET")) {
        send(ex, 200, "application/json", stateJson());
      }
    }
  }

  private void draw(HttpExchange ex) throws IOException {
    try (ex) {
      if (!exactPath(ex, "/api/draw") || !allow(ex, "POST") || !admitted(ex)) {
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(DrawRequest.MAX_BODY_BYTES + 1);
      }
      if (body.length > DrawRequest.MAX_BODY_BYTES) {
        error(ex, 413, "body larger than " + DrawRequest.MAX_BODY_BYTES + " bytes");
        return;
      }
      DrawRequest.DrawnImage image;
      try {
        image = DrawRequest.parse(body);
      } catch (DrawRequest.InvalidDrawException e) {
        error(ex, 400, e.getMessage());
        return;
      }
      String eventId = "dashboard-" + UUID.randomUUID();
      ImageEvent event =
          ImageEvent.newBuilder()
              .setEventId(eventId)
              .setSource(SOURCE)
              .setEventTime(clock.instant())
              .setWidth(image.width())
              .setHeight(image.height())
              .setEncoding(image.encoding())
              .setPixels(ByteBuffer.wrap(image.pixels()))
              .setLabel(image.label())
              .setAttributes(Map.of())
              .build();
      // Watched before it is sent: the prediction may come back before send() returns.
      aggregates.drawnSent(eventId);
      try {
        producer
            .send(
                new ProducerRecord<>(
                    topics.images(), eventId, imageWriter.serialize(topics.images(), event)))
            .get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        aggregates.drawnFailed(eventId);
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        LOG.warn("Sending a drawn digit to {} failed: {}", topics.images(), cause.toString());
        error(ex, 503, "could not send the image event to Kafka: " + cause.getMessage());
        return;
      } catch (InterruptedException e) {
        aggregates.drawnFailed(eventId);
        Thread.currentThread().interrupt();
        error(ex, 503, "interrupted");
        return;
      }
      LOG.debug(
          "Drawn digit sent as {} ({} {}x{})",
          eventId,
          image.encoding(),
          image.width(),
          image.height());
      send(
          ex,
          202,
          "application/json",
          JsonCodec.write(
              new DrawAccepted(eventId, image.encoding().name(), image.width(), image.height())));
    }
  }

  /**
   * A label from a panel: the event id must be one that panel shows (a review item, a digit drawn
   * here), so the endpoint cannot be used to label arbitrary events.
   */
  private void label(HttpExchange ex, String path, String labelledBy) throws IOException {
    try (ex) {
      if (!exactPath(ex, path) || !allow(ex, "POST") || !admitted(ex)) {
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(LabelRequest.MAX_BODY_BYTES + 1);
      }
      if (body.length > LabelRequest.MAX_BODY_BYTES) {
        error(ex, 413, "body larger than " + LabelRequest.MAX_BODY_BYTES + " bytes");
        return;
      }
      LabelRequest.Label label;
      try {
        label = LabelRequest.parse(body);
      } catch (LabelRequest.InvalidLabelException e) {
        error(ex, 400, e.getMessage());
        return;
      }
      boolean known =
          REVIEW_LABELLER.equals(labelledBy)
              ? reviewQueue.get(label.eventId()).isPresent()
              : aggregates.drawnKnown(label.eventId());
      if (!known) {
        error(
            ex,
            404,
            REVIEW_LABELLER.equals(labelledBy)
                ? "no review item for this event id (labelled already, or too old)"
                : "no digit drawn on this page has this event id");
        return;
      }
      LabelEvent event =
          LabelEvent.newBuilder()
              .setEventId(label.eventId())
              .setLabel(label.label())
              .setLabelledBy(labelledBy)
              .setLabelledAt(clock.instant())
              .build();
      try {
        producer
            .send(
                new ProducerRecord<>(
                    topics.labels(),
                    label.eventId(),
                    labelWriter.serialize(topics.labels(), event)))
            .get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        LOG.warn("Sending a label to {} failed: {}", topics.labels(), cause.toString());
        error(ex, 503, "could not send the label event to Kafka: " + cause.getMessage());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error(ex, 503, "interrupted");
        return;
      }
      if (REVIEW_LABELLER.equals(labelledBy)) {
        reviewQueue.labelled(label.eventId());
      }
      LOG.debug("Label {} for {} sent ({})", label.label(), label.eventId(), labelledBy);
      send(
          ex,
          202,
          "application/json",
          JsonCodec.write(new LabelAccepted(label.eventId(), label.label(), labelledBy)));
    }
  }

  /**
   * Whether a request to a writing endpoint may go on; answers 429 or 401 when not. The rate limit
   * comes first, so that guessing the token is rate limited too.
   */
  private boolean admitted(HttpExchange ex) throws IOException {
    RateLimiter.Decision decision =
        drawLimit.tryAcquire(ex.getRemoteAddress().getAddress().getHostAddress());
    if (!decision.allowed()) {
      ex.getResponseHeaders().set("Retry-After", Long.toString(decision.retryAfterSeconds()));
      error(ex, 429, "too many requests, retry in " + decision.retryAfterSeconds() + " s");
      return false;
    }
    if (drawToken.isPresent() && !bearerMatches(ex, drawToken.get())) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"mnist-stream dashboard\"");
      error(ex, 401, "this dashboard needs its draw token (Authorization: Bearer <token>)");
      return false;
    }
    return true;
  }

  static boolean bearerMatches(HttpExchange ex, byte[] expected) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, expected);
  }

  private static boolean exactPath(HttpExchange ex, String path) throws IOException {
    if (path.equals(ex.getRequestURI().getPath())) {
      return true;
    }
    send(ex, 404, "text/plain; charset=utf-8", "not found\n");
    return false;
  }

  static boolean allow(HttpExchange ex, String method) throws IOException {
    String m = ex.getRequestMethod();
    if (method.equals(m) || ("GET".equals(method) && "HEAD".equals(m))) {
      return true;
    }
    ex.getResponseHeaders().set("Allow", "GET".equals(method) ? "GET, HEAD" : method);
    error(ex, 405, m + " not allowed, use " + method);
    return false;
  }

  static void error(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, "application/json", JsonCodec.write(new ErrorBody(message)));
  }

  static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    if ("HEAD".equals(ex.getRequestMethod())) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Stops serving, disconnects the browsers, stops the consumer, flushes the producer. */
  @Override
  public void close() {
    ticker.shutdownNow();
    hub.close();
    server.stop(0);
    httpThreads.shutdownNow();
    consumer.close();
    fleet.close();
    quality.close();
    review.close();
    producer.close(Duration.ofSeconds(5));
    LOG.info("Dashboard on port {} stopped", port());
  }
}
