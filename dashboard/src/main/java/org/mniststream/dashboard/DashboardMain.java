package org.mniststream.dashboard;

import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mniststream.schemas.TopicNames;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dashboard --bootstrap-servers HOST:PORT [--app-url http://app:8080 ...] --port 8088 [--set
 * key=value ...]}: serves the live dashboard until SIGTERM. The stream-app instances are discovered
 * from the instances topic; {@code --app-url} adds one that publishes no heartbeat. {@code --set}
 * takes any Kafka client property (security included) and the topic names ({@code topics.images},
 * {@code topics.instances}, ...).
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    version = "mnist-stream dashboard 0.1.0",
    description = "Live web dashboard of the mnist-stream topics and stream-app instances.")
public final class DashboardMain implements Callable<Integer> {
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
      names = {"--set", "-D"},
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka client property or topic name (topics.images, topics.instances, ...);"
              + " repeatable.")
  Map<String, String> settings = new LinkedHashMap<>();

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    System.exit(new CommandLine(new DashboardMain()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    Properties kafka = new Properties();
    kafka.setProperty("bootstrap.servers", bootstrapServers);
    settings.forEach(kafka::setProperty);
    DashboardServer server =
        DashboardServer.start(
            DashboardClients.connect(kafka), TopicNames.from(kafka), appUrls, port);
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
