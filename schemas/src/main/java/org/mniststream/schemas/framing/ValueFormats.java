package org.mniststream.schemas.framing;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The value formats of a run, read from configuration: {@value #VALUE_FORMAT} for every topic,
 * {@code value.format.<topic name>} for one topic (e.g. {@code
 * value.format.mnist.predictions=confluent}), and the registry that {@code confluent} needs:
 * {@value #REGISTRY_URL} (the Confluent API base, e.g. {@code
 * http://127.0.0.1:8081/apis/ccompat/v7} for Apicurio) and {@value #REGISTRY_USER_INFO} ({@code
 * user:password}, sent as HTTP basic auth, as Confluent's {@code basic.auth.user.info}).
 *
 * @param defaultFormat the format of every topic without its own setting
 * @param perTopic formats of single topics, by topic name
 * @param registryUrl the registry; required when any topic is {@code confluent}, and used on input
 *     to read Confluent-framed values even where this run writes single-object
 * @param registryUserInfo {@code user:password}, or empty
 */
public record ValueFormats(
    ValueFormat defaultFormat,
    Map<String, ValueFormat> perTopic,
    Optional<URI> registryUrl,
    Optional<String> registryUserInfo) {

  public static final String VALUE_FORMAT = "value.format";
  public static final String REGISTRY_URL = "schema.registry.url";
  public static final String REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";

  /** Today's behaviour: single-object everywhere, no registry. */
  public static final ValueFormats SINGLE_OBJECT =
      new ValueFormats(ValueFormat.SINGLE_OBJECT, Map.of(), Optional.empty(), Optional.empty());

  public ValueFormats {
    perTopic = Map.copyOf(perTopic);
    boolean confluent =
        defaultFormat == ValueFormat.CONFLUENT || perTopic.containsValue(ValueFormat.CONFLUENT);
    if (confluent && registryUrl.isEmpty()) {
      throw new IllegalArgumentException(
          VALUE_FORMAT + "=confluent needs " + REGISTRY_URL + " (the registry's Confluent API)");
    }
  }

  /** Every topic in {@code format}, with the registry at {@code registryUrl}. */
  public static ValueFormats of(ValueFormat format, URI registryUrl) {
    return new ValueFormats(format, Map.of(), Optional.of(registryUrl), Optional.empty());
  }

  /** Reads the keys above; a malformed value is refused by name. */
  public static ValueFormats from(Properties props) {
    ValueFormat def =
        ValueFormat.parse(
            VALUE_FORMAT, props.getProperty(VALUE_FORMAT, ValueFormat.SINGLE_OBJECT.configName()));
    Map<String, ValueFormat> perTopic = new TreeMap<>();
    String prefix = VALUE_FORMAT + ".";
    for (String key : props.stringPropertyNames()) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        perTopic.put(
            key.substring(prefix.length()), ValueFormat.parse(key, props.getProperty(key)));
      }
    }
    Optional<URI> url =
        Optional.ofNullable(props.getProperty(REGISTRY_URL))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(ValueFormats::url);
    Optional<String> userInfo =
        Optional.ofNullable(props.getProperty(REGISTRY_USER_INFO))
            .map(String::trim)
            .filter(s -> !s.isEmpty());
    return new ValueFormats(def, perTopic, url, userInfo);
  }

  /** The format values written to {@code topic} take. */
  public ValueFormat formatOf(String topic) {
    return perTopic.getOrDefault(topic, defaultFormat);
  }

  /** Whether any topic is written in Confluent framing. */
  public boolean anyConfluent() {
    return defaultFormat == ValueFormat.CONFLUENT || perTopic.containsValue(ValueFormat.CONFLUENT);
  }

  /** These settings as configuration properties, for a child process: the inverse of from. */
  public Map<String, String> toProperties() {
    Map<String, String> p = new TreeMap<>();
    p.put(VALUE_FORMAT, defaultFormat.configName());
    perTopic.forEach((t, f) -> p.put(VALUE_FORMAT + "." + t, f.configName()));
    registryUrl.ifPresent(u -> p.put(REGISTRY_URL, u.toString()));
    registryUserInfo.ifPresent(u -> p.put(REGISTRY_USER_INFO, u));
    return p;
  }

  private static URI url(String value) {
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          REGISTRY_URL + " must be an http(s) URL, got '" + value + "'");
    }
  }
}
