package org.mniststream.schemas.framing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small client of the Confluent Schema Registry REST API (what Confluent's registry, and
 * Apicurio's under {@code /apis/ccompat/v7}, serve): set a subject's compatibility, register a
 * schema under a subject, fetch a schema by id. Two caches, neither ever invalidated (an id names
 * one schema forever): id to writer schema, and (subject, schema) to id.
 *
 * <p>Errors are typed: an unknown id is an {@link UnknownSchemaIdException}, a schema refused under
 * the compatibility rule an {@link IncompatibleSchemaException} (409), any other refusal a {@link
 * SchemaRegistryException}; a registry that does not answer (connection refused, timeout, 5xx) is
 * retried with doubling back-off and then is a {@link SchemaRegistryUnavailableException}.
 * Thread-safe.
 */
public final class SchemaRegistryClient implements SchemaResolver {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How hard to try before calling the registry unavailable. */
  public record Retry(int attempts, Duration firstBackoff, Duration maxBackoff, Duration timeout) {
    /** About 10 s in all before giving up: long enough for a registry restart to be seen. */
    public static final Retry DEFAULT =
        new Retry(6, Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ofSeconds(5));

    public Retry {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
      }
    }
  }

  private final URI base;
  private final Optional<String> authorization;
  private final Retry retry;
  private final HttpClient http;
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
  private final Map<String, Integer> idBySubjectAndSchema = new ConcurrentHashMap<>();

  public SchemaRegistryClient(URI base, Optional<String> userInfo, Retry retry) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.authorization =
        userInfo.map(
            u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    this.retry = retry;
    this.http = HttpClient.newBuilder().connectTimeout(retry.timeout()).build();
  }

  /** The client of the registry these settings name; empty when they name none. */
  public static Optional<SchemaRegistryClient> of(ValueFormats formats) {
    return formats
        .registryUrl()
        .map(url -> new SchemaRegistryClient(url, formats.registryUserInfo(), Retry.DEFAULT));
  }

  public URI baseUrl() {
    return base;
  }

  @Override
  public String toString() {
    return "schema registry " + base;
  }

  /** Sets the subject's compatibility rule, e.g. {@code BACKWARD}. */
  public void setCompatibility(String subject, String level) {
    call(
        "PUT",
        "config/" + subject,
        JSON.createObjectNode().put("compatibility", level).toString(),
        "set compatibility of " + subject);
  }

  /**
   * Registers the schema under the subject (the registry answers the existing id when it is
   * registered already) and returns its id.
   *
   * @throws IncompatibleSchemaException when the subject's compatibility rule refuses it
   */
  @Override
  public int register(String subject, Schema schema) {
    String key = subject + "\n" + schema.toString();
    Integer cached = idBySubjectAndSchema.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode answer =
        call(
            "POST",
            "subjects/" + subject + "/versions",
            JSON.createObjectNode().put("schema", schema.toString()).toString(),
            "register a schema under " + subject);
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw new SchemaRegistryException(
          200, "registry answered no id for " + subject + ": " + answer);
    }
    idBySubjectAndSchema.put(key, id);
    byId.putIfAbsent(id, schema);
    return id;
  }

  /**
   * The schema with this id.
   *
   * @throws UnknownSchemaIdException when the registry has no schema with this id
   */
  @Override
  public Schema schemaById(int id) {
    Schema cached = byId.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer;
    try {
      answer = call("GET", "schemas/ids/" + id, null, "fetch schema id " + id);
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        throw new UnknownSchemaIdException(id, e.getMessage());
      }
      throw e;
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(answer.path("schema").asText());
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          200, "registry's schema id " + id + " is not an Avro schema: " + e.getMessage());
    }
    byId.putIfAbsent(id, schema);
    return schema;
  }

  /** The subjects the registry holds. */
  public List<String> subjects() {
    JsonNode answer = call("GET", "subjects", null, "list subjects");
    List<String> subjects = new ArrayList<>();
    answer.forEach(n -> subjects.add(n.asText()));
    return subjects;
  }

  private JsonNode call(String method, String path, String body, String what) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(retry.timeout())
            .header("Accept", CONTENT_TYPE + ", application/json");
    authorization.ifPresent(a -> request.header("Authorization", a));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    Duration backoff = retry.firstBackoff();
    Exception last = null;
    for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return JSON.readTree(response.body());
        }
        if (status < 500) {
          String message =
              "schema registry refused to " + what + ": HTTP " + status + " " + response.body();
          if (status == 409) {
            throw new IncompatibleSchemaException(message);
          }
          throw new SchemaRegistryException(status, message);
        }
        last = new IOException("HTTP " + status + " " + response.body());
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryUnavailableException(
            "interrupted while trying to " + what + " at " + base, e);
      }
      if (attempt < retry.attempts()) {
        LOG.warn(
            "Schema registry {} did not answer ({}); attempt {} of {} to {}, next in {} ms",
            base,
            describe(last),
            attempt,
            retry.attempts(),
            what,
            backoff.toMillis());
        sleep(backoff, what);
        backoff = min(backoff.multipliedBy(2), retry.maxBackoff());
      }
    }
    throw new SchemaRegistryUnavailableException(
        "schema registry "
            + base
            + " did not answer after "
            + retry.attempts()
            + " attempts to "
            + what
            + ": "
            + describe(last),
        last);
  }

  private static String describe(Exception e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private void sleep(Duration d, String what) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryUnavailableException(
          "interrupted while waiting to " + what + " at " + base, e);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
