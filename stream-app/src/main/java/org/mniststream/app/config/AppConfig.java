package org.mniststream.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.mniststream.app.judge.JudgeApp;
import org.mniststream.app.quality.QualitySettings;

/**
 * The configuration of one run, in layers, later layers winning: the app defaults ({@link
 * AppSettings#DEFAULTS}), a properties file, environment variables with the {@value #ENV_PREFIX}
 * prefix, and command-line flags. Any key passes through, so every Kafka and Kafka Streams property
 * (security included) can be set in any layer.
 *
 * <p>An environment variable names its key in upper case with {@code _} for both {@code .} and
 * {@code -}: {@code MNIST_BOOTSTRAP_SERVERS} is {@code bootstrap.servers} and {@code
 * MNIST_INFERENCE_BATCH_MAX_WAIT_MS} is {@code inference.batch.max-wait-ms}. Because {@code _} is
 * ambiguous, a variable that spells a known key (an app key, a topic key or a Kafka client or
 * Streams key) maps to that key; any other maps every {@code _} to {@code .}.
 */
public final class AppConfig {
  public static final String ENV_PREFIX = "MNIST_";

  private AppConfig() {}

  /** Defaults, then the file (when given), then {@code env}, then {@code flags}. */
  public static Properties load(
      Optional<Path> file, Map<String, String> env, Map<String, String> flags) {
    Properties props = new Properties();
    props.putAll(AppSettings.DEFAULTS);
    if (file.isPresent()) {
      props.putAll(readFile(file.get()));
    }
    props.putAll(fromEnvironment(env));
    props.putAll(flags);
    return props;
  }

  /** The properties a file holds (UTF-8). */
  public static Properties readFile(Path file) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": " + e, e);
    }
    return props;
  }

  /** The keys the {@value #ENV_PREFIX} variables of {@code env} set. */
  public static Properties fromEnvironment(Map<String, String> env) {
    Properties props = new Properties();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
            props.setProperty(keyOf(name.substring(ENV_PREFIX.length())), value);
          }
        });
    return props;
  }

  /** {@code BOOTSTRAP_SERVERS} to {@code bootstrap.servers}, known keys first. */
  static String keyOf(String variable) {
    for (String known : KnownKeys.ALL) {
      if (envName(known).equals(variable)) {
        return known;
      }
    }
    return variable.toLowerCase(Locale.ROOT).replace('_', '.');
  }

  static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Keys whose spelling is known, so their {@code -} survive the trip through a variable name. */
  private static final class KnownKeys {
    static final Set<String> ALL = all();

    private static Set<String> all() {
      Set<String> keys = new TreeSet<>(AppSettings.DEFAULTS.keySet());
      keys.addAll(StreamsConfigFactory.TOPIC_NAME_KEYS);
      keys.addAll(QualitySettings.KEYS);
      keys.addAll(JudgeApp.KEYS);
      keys.addAll(WarmUpSettings.KEYS);
      keys.addAll(StreamsConfig.configDef().names());
      keys.addAll(ConsumerConfig.configNames());
      keys.addAll(ProducerConfig.configNames());
      return keys;
    }
  }
}
