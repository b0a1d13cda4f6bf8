package org.mniststream.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry of {@code demo --registry}: the runner jar the {@code schema-registry-server}
 * module builds (Apicurio Registry, Confluent API under {@value #CONFLUENT_API_PATH}, in-memory
 * storage), started as a child process on a free loopback port, its log in the work directory, and
 * stopped by {@link #close()} or when this JVM exits. (The ITs start the same jar through
 * test-support's {@code SchemaRegistryFixture}.)
 */
final class LocalRegistry implements AutoCloseable {
  static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

  /** Where a build from the repository root leaves the runner jar. */
  static final Path DEFAULT_RUNNER_DIR = Path.of("schema-registry-server", "target");

  /** The runner jar the build left in {@link #DEFAULT_RUNNER_DIR}, whatever the version. */
  static Path defaultRunner() {
    try (DirectoryStream<Path> jars =
        Files.newDirectoryStream(DEFAULT_RUNNER_DIR, "schema-registry-server-*-runner.jar")) {
      for (Path jar : jars) {
        return jar;
      }
    } catch (IOException noBuild) {
      // said below, by the path that does not exist
    }
    return DEFAULT_RUNNER_DIR.resolve("schema-registry-server-<version>-runner.jar");
  }

  private static final Logger LOG = LoggerFactory.getLogger(LocalRegistry.class);

  private final Process process;
  private final URI confluentApi;
  private final Thread exitHook;

  private LocalRegistry(Process process, URI confluentApi) {
    this.process = process;
    this.confluentApi = confluentApi;
    this.exitHook = new Thread(process::destroyForcibly, "schema-registry-stop");
    Runtime.getRuntime().addShutdownHook(exitHook);
  }

  /**
   * Starts the registry and waits until its Confluent API answers.
   *
   * @throws IllegalArgumentException when the runner jar is not there (one line that says how to
   *     build it)
   * @throws IllegalStateException when it exits or does not answer within {@code timeout}
   */
  static LocalRegistry start(Path runnerJar, Path workDir, Duration timeout)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(runnerJar)) {
      throw new IllegalArgumentException(
          "no schema registry at "
              + runnerJar.toAbsolutePath()
              + ": build it with mvn -B -pl schema-registry-server package -DskipTests (from the"
              + " repository root), or give --registry-jar or --registry-url");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = workDir.resolve("schema-registry.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-jar",
                runnerJar.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    LocalRegistry registry =
        new LocalRegistry(pb.start(), URI.create("http://127.0.0.1:" + port + CONFLUENT_API_PATH));
    try {
      registry.awaitReady(timeout, log);
    } catch (RuntimeException | InterruptedException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  private void awaitReady(Duration timeout, Path log) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest subjects =
        HttpRequest.newBuilder(URI.create(confluentApi + "/subjects"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the schema registry exited with " + process.exitValue() + " during start; see " + log);
      }
      try {
        if (http.send(subjects, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          LOG.info("schema registry ready at {} (log {})", confluentApi, log);
          return;
        }
      } catch (IOException notYetListening) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "the schema registry did not answer within " + timeout + "; see " + log);
  }

  /** The Confluent API base URL, what {@code schema.registry.url} takes. */
  URI confluentApiUrl() {
    return confluentApi;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(exitHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
