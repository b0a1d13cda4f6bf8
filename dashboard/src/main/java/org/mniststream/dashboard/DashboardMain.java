package org.mniststream.dashboard;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dashboard --bootstrap-servers HOST:PORT [--app-url http://app:8080 ...] --port 8088
 * [--bind 127.0.0.1] [--draw-token T] [--draw-rate 5] [--draw-burst 10] [--infer-model mnist]
 * [--infer-rate 0] [--infer-max-in-flight 256] [--infer-timeout PT10S] [--set key=value ...]}:
 * serves the live dashboard until SIGTERM, on loopback unless {@code --bind} says otherwise; the
 * draw token is better given as {@code MNIST_DASHBOARD_TOKEN}, which other users of the machine
 * cannot read in the process list. The stream-app instances are discovered from the instances
 * topic; {@code --app-url} adds one that publishes no heartbeat. {@code --set} takes any Kafka
 * client property (security included) and the topic names ({@code topics.images}, {@code
 * topics.instances}, ...).
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    version = "mnist-stream dashboard 0.1.0",
    description = "Live web dashboard of the mnist-stream topics and stream-app instances.")
public final class DashboardMain implements Callable<Integer> {
  /** The environment variable the draw token is read from when {@code --draw-token} is absent. */
  public static final String TOKEN_ENV = "MNIST_DASHBOARD_TOKEN";

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "localhost:9092",
      description = "Kafka cluster (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(
      names = "--app-url",
      paramLabel = "URL",
      description =
          "Base URL of a stream-app instance to poll besides those discovered from the"
              + " instances topic (one that publishes no heartbeat); repeatable.")
  List<URI> appUrls = new ArrayList<>();

  @Option(
      names = "--port",
      defaultValue = "8088",
      description = "Port to serve the page on, 0 for a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = DashboardOptions.LOOPBACK,
      paramLabel = "ADDRESS",
      description =
          "Address to listen on: ${DEFAULT-VALUE} (the default) for this machine only, 0.0.0.0"
              + " for every interface.")
  String bind;

  @Option(
      names = "--draw-token",
      defaultValue = "${env:" + TOKEN_ENV + "}",
      paramLabel = "TOKEN",
      description =
          "When set, POSTs that draw or label need 'Authorization: Bearer TOKEN' (the page asks"
              + " for it); at least 16 characters. Default: the environment variable "
              + TOKEN_ENV
              + " (better than this flag, which shows in the process list); none when unset.")
  String drawToken;

  @Option(
      names = "--draw-rate",
      defaultValue = "5",
      paramLabel = "PER_SECOND",
      description =
          "Draw and label requests a second per client address once its burst is spent; 0 for"
              + " no limit (default: ${DEFAULT-VALUE}).")
  double drawRate;

  @Option(
      names = "--draw-burst",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "Draw and label requests a client address may make at once (default: ${DEFAULT-VALUE}).")
  int drawBurst;

  @Option(
      names = "--infer-model",
      defaultValue = InferenceOptions.DEFAULT_MODEL,
      paramLabel = "NAME",
      description =
          "The model name /v2/models/NAME/infer answers for (the stream app's model.name;"
              + " default: ${DEFAULT-VALUE}).")
  String inferModel;

  @Option(
      names = "--infer-rate",
      defaultValue = "0",
      paramLabel = "PER_SECOND",
      description =
          "Inference requests (/v2/models/NAME/infer) a second per client address once its"
              + " burst is spent; 0 for no limit (default: ${DEFAULT-VALUE}).")
  double inferRate;

  @Option(
      names = "--infer-burst",
      defaultValue = "100",
      paramLabel = "N",
      description =
          "Inference requests a client address may make at once (default: ${DEFAULT-VALUE}).")
  int inferBurst;

  @Option(
      names = "--infer-max-in-flight",
      defaultValue = "256",
      paramLabel = "N",
      description =
          "Inference requests waiting for their prediction at once; one more is answered 429"
              + " (default: ${DEFAULT-VALUE}).")
  int inferMaxInFlight;

  @Option(
      names = "--infer-timeout",
      defaultValue = "PT10S",
      paramLabel = "DURATION",
      description =
          "How long an inference request waits for its prediction before a 504, ISO-8601"
              + " (default: ${DEFAULT-VALUE}).")
  java.time.Duration inferTimeout;

  @Option(
      names = {"--set", "-D"},
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka client property, topic name (topics.images, topics.instances, ...) or"
              + " schema.registry.url (to read Confluent-framed values too); repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    System.exit(commandLine(new DashboardMain()).execute(args));
  }

  /** The command line, with bad options said in one line, not a stack trace. */
  static CommandLine commandLine(DashboardMain main) {
    CommandLine cli = new CommandLine(main);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException) {
            commandLine.getErr().println("dashboard: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    return cli;
  }

  /** The options the command line asks for. */
  DashboardOptions options() {
    return DashboardOptions.onPort(port)
        .withBind(bind)
        .withDrawToken(drawToken)
        .withDrawRate(drawRate, drawBurst)
        .withInference(
            new InferenceOptions(
                inferModel, inferRate, inferBurst, inferMaxInFlight, inferTimeout));
  }

  @Override
  public Integer call() throws InterruptedException {
    Properties kafka = new Properties();
    kafka.setProperty("bootstrap.servers", bootstrapServers);
    settings.forEach(kafka::setProperty);
    DashboardOptions options = options();
    // schema.registry.url: predictions and dead letters in Confluent framing are read too
    ValueCodecs codecs = ValueCodecs.of(ValueFormats.from(kafka));
    DashboardServer server =
        DashboardServer.start(
            DashboardClients.connect(kafka), TopicNames.from(kafka), appUrls, options, codecs);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "dashboard-shutdown"));
    PrintWriter out = new PrintWriter(System.out, true);
    out.println("dashboard: " + server.url() + " (Ctrl-C to stop)");
    stopped.await();
    return 0;
  }
}
