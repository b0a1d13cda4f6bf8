package org.mniststream.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Confluent-compatible schema registry for the {@code *IT} tests: Apicurio Registry, as the
 * {@code schema-registry-server} module builds it, started as a child process ({@code java -Xmx384m
 * -jar <runner jar>}) on a free loopback port with in-memory storage, and stopped by {@link
 * #close()}. Start it once per test class: it takes several seconds.
 *
 * <p>The runner jar's path comes from the system property {@value #RUNNER_PROPERTY}, which the
 * failsafe configuration of each module that needs the registry sets. {@value #URL_VARIABLE}
 * (system property or environment variable) set: that existing registry's Confluent API base is
 * used instead, and nothing is started.
 */
public final class SchemaRegistryFixture implements AutoCloseable {
  /** Path of {@code schema-registry-server-<version>-runner.jar} (with its {@code lib/} beside). */
  public static final String RUNNER_PROPERTY = "mnist.schema-registry.runner";

  /** An existing registry's Confluent API base URL: use it, start nothing. */
  public static final String URL_VARIABLE = "MNIST_SCHEMA_REGISTRY_URL";

  /** Where Apicurio serves Confluent's REST API. */
  public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryFixture.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final URI confluentApi;
  private final Process process;
  private final Path log;

  private SchemaRegistryFixture(URI confluentApi, Process process, Path log) {
    this.confluentApi = confluentApi;
    this.process = process;
    this.log = log;
  }

  /** Starts the registry (or uses the external one) and waits until its Confluent API answers. */
  public static SchemaRegistryFixture start() {
    Optional<String> external = lookup(URL_VARIABLE);
    if (external.isPresent()) {
      LOG.info("Schema registry fixture: external {} ({} is set)", external.get(), URL_VARIABLE);
      return new SchemaRegistryFixture(URI.create(external.get()), null, null);
    }
    return start(runnerJar());
  }

  /** Starts the registry from this runner jar (its {@code lib/} folder beside it). */
  public static SchemaRegistryFixture start(Path runnerJar) {
    if (!Files.isRegularFile(runnerJar)) {
      throw new IllegalStateException(
          "schema registry runner jar "
              + runnerJar
              + " does not exist: build it with mvn -pl schema-registry-server package");
    }
    int port = freePort();
    Path log;
    try {
      log = Files.createTempFile("schema-registry-", ".log");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the registry's log file", e);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(java, "-Xmx384m", "-jar", runnerJar.toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
    pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
    pb.environment().put("HTTP_PORT", Integer.toString(port));
    // no storage setting: this build's default is in-memory (H2 in memory), gone with the process
    URI api = URI.create("http://127.0.0.1:" + port + CONFLUENT_API_PATH);
    LOG.info("Starting schema registry {} on {} (log {})", runnerJar.getFileName(), api, log);
    long started = System.nanoTime();
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the schema registry: " + e.getMessage(), e);
    }
    SchemaRegistryFixture fixture = new SchemaRegistryFixture(api, process, log);
    try {
      fixture.awaitReady(started);
    } catch (RuntimeException e) {
      fixture.close();
      throw e;
    }
    return fixture;
  }

  private void awaitReady(long startedNanos) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest subjects =
        HttpRequest.newBuilder(URI.create(confluentApi + "/subjects"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    long deadline = startedNanos + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "schema registry exited with " + process.exitValue() + " during start: " + logTail());
      }
      try {
        HttpResponse<String> r = http.send(subjects, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          LOG.info(
              "Schema registry ready on {} after {} ms",
              confluentApi,
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the schema registry", e);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "schema registry did not answer on "
                + confluentApi
                + " within "
                + START_TIMEOUT
                + ": "
                + logTail());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the schema registry", e);
      }
    }
  }

  /** The runner jar the failsafe configuration names. */
  public static Path runnerJar() {
    return lookup(RUNNER_PROPERTY)
        .map(Path::of)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "system property "
                        + RUNNER_PROPERTY
                        + " is not set: the module's failsafe configuration must name the"
                        + " schema-registry-server runner jar (or set "
                        + URL_VARIABLE
                        + ")"));
  }

  /** The Confluent API base, e.g. {@code http://127.0.0.1:40123/apis/ccompat/v7}. */
  public URI confluentApiUrl() {
    return confluentApi;
  }

  /** Whether the registry process is running (always true for an external registry). */
  public boolean isRunning() {
    return process == null || process.isAlive();
  }

  /** Stops the registry process (nothing for an external registry). */
  @Override
  public void close() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      LOG.debug("Cannot delete {}", log, e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  private static Optional<String> lookup(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      value = System.getenv(name);
    }
    return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
  }

  @Override
  public String toString() {
    return "SchemaRegistryFixture[" + confluentApi + "]";
  }
}
