package org.mniststream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.app.judge.PolicyFile;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.app.models.RoutingPlan;
import org.mniststream.model.EngineTuning;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Provenance;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.ModelsTopicContents;
import org.mniststream.topics.TopicReader;
import org.mniststream.trainer.data.DataUnavailableException;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.publishing.ModelPublisher;
import org.mniststream.trainer.publishing.ModelsTopic;
import org.mniststream.trainer.publishing.SigningKeys;
import org.mniststream.trainer.stream.OffsetSelection;
import org.mniststream.trainer.stream.ServingPreprocessing;
import org.mniststream.trainer.stream.StreamDecoders;
import org.mniststream.trainer.stream.StreamExampleReader;
import org.mniststream.trainer.stream.StreamExamples;
import org.mniststream.trainer.training.MnistTrainer;
import org.mniststream.trainer.training.ProgressListener;
import org.mniststream.trainer.training.StreamFineTune;
import org.mniststream.trainer.training.TrainingData;
import org.mniststream.trainer.training.TrainingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code continual}: follows the labelled image events and, when enough new ones have come (or the
 * active version's live accuracy falls below a threshold), fine-tunes the serving version on them,
 * checks the result on a holdout of the newest events, publishes it and hands it to the judge as a
 * judged rollout (stage 0 of the policy, against the serving version).
 *
 * <p>Its progress is the provenance of the versions it published ({@link ContinualProgress}): a
 * version and the offsets it was trained on go out in one record, so a crash before publishing
 * re-reads the same events and a crash after starts after them. Nothing else is stored.
 *
 * <p>Reads: the image-events and labels topics (from the recorded position to the ends of the
 * moment), the models and rollouts topics (what serves, and where it left off), the quality topic
 * (the alarm, with {@code --accuracy-below}). Writes: the models topic (the new version,
 * transactionally through {@link ModelPublisher}) and the rollouts topic (key = model name).
 */
@Command(
    name = "continual",
    mixinStandardHelpOptions = true,
    description = {
      "Continual training: follows the labelled image events; when --min-examples new ones have"
          + " come (or the active version's live accuracy is below --accuracy-below), fine-tunes"
          + " the serving version on them, evaluates it on a holdout of the newest events and on"
          + " the original test set, publishes it, and starts a judged rollout of it: the judge"
          + " promotes or rolls it back.",
      "Its position is the provenance of the last version it published: a crash before"
          + " publishing re-reads the same events, never skips them; after, it starts after them.",
      ""
    })
final class ContinualCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ContinualCommand.class);

  /** Who the rollouts this command writes are issued by. */
  static final String ISSUER = "continual-trainer";

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Option(
      names = "--model-name",
      paramLabel = "NAME",
      description = "Model to fine-tune and publish (default: ${DEFAULT-VALUE}).")
  String modelName = TrainingSettings.DEFAULT_MODEL_NAME;

  @Option(
      names = {"--bootstrap-servers", "-b"},
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers = "localhost:9092";

  @Option(
      names = "--kafka-property",
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka client property (security, ...), repeatable; schema.registry.url (and"
              + " schema.registry.basic.auth.user.info) also read Confluent-framed events.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(
      names = "--kafka-timeout",
      paramLabel = "SECONDS",
      description = "Limit for each Kafka operation (default: ${DEFAULT-VALUE}).")
  long kafkaTimeoutSeconds = 60;

  @Option(
      names = "--images-topic",
      paramLabel = "TOPIC",
      description = "Image events to learn from (default: ${DEFAULT-VALUE}).")
  String imagesTopic = TopicNames.DEFAULTS.images();

  @Option(
      names = "--labels-topic",
      paramLabel = "TOPIC",
      description =
          "Labels joined by event id (the latest wins over an inline label); 'none' for inline"
              + " labels only (default: ${DEFAULT-VALUE}).")
  String labelsTopic = TopicNames.DEFAULTS.labels();

  @Option(
      names = "--models-topic",
      paramLabel = "TOPIC",
      description = "(default: ${DEFAULT-VALUE})")
  String modelsTopic = TopicNames.DEFAULTS.models();

  @Option(
      names = "--rollouts-topic",
      paramLabel = "TOPIC",
      description = "(default: ${DEFAULT-VALUE})")
  String rolloutsTopic = TopicNames.DEFAULTS.rollouts();

  @Option(
      names = "--quality-topic",
      paramLabel = "TOPIC",
      description = "Live quality reports, for --accuracy-below (default: ${DEFAULT-VALUE}).")
  String qualityTopic = TopicNames.DEFAULTS.quality();

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "The original IDX dataset: replayed against forgetting, and its test set measured"
              + " before and after (default: genuine MNIST, acquired and verified).")
  Path dataDir;

  @Option(
      names = "--start",
      paramLabel = "earliest|latest",
      description =
          "Where to start when this trainer has published no version for the images topic yet:"
              + " the topic's beginning or its end at startup (default: ${DEFAULT-VALUE}).")
  String start = "earliest";

  @Option(
      names = "--poll-interval",
      paramLabel = "SECONDS",
      description = "Time between two looks at the topics (default: ${DEFAULT-VALUE}).")
  long pollIntervalSeconds = 10;

  @Option(
      names = "--min-examples",
      paramLabel = "N",
      description = "Fine-tune once N new usable labelled examples are there (default: 2000).")
  int minExamples = 2000;

  @Option(
      names = "--accuracy-below",
      paramLabel = "A",
      description =
          "Also fine-tune, with at least --min-examples-on-alarm new examples, when the active"
              + " version's live accuracy (its newest quality window with --alarm-min-labelled"
              + " labels, else all its predictions) is below A, e.g. 0.95 (default: no alarm).")
  Double accuracyBelow;

  @Option(
      names = "--min-examples-on-alarm",
      paramLabel = "N",
      description = "(default: ${DEFAULT-VALUE})")
  int minExamplesOnAlarm = 500;

  @Option(
      names = "--alarm-min-labelled",
      paramLabel = "N",
      description =
          "A quality report with fewer labelled predictions does not raise the alarm (default:"
              + " ${DEFAULT-VALUE}).")
  long alarmMinLabelled = 100;

  @Option(
      names = "--replay-ratio",
      paramLabel = "R",
      description =
          "Original training images replayed per stream training example (default:"
              + " ${DEFAULT-VALUE}).")
  double replayRatio = 1.0;

  @Option(
      names = "--holdout-fraction",
      paramLabel = "F",
      description =
          "The newest fraction of the new examples is not trained on but scored, for the parent"
              + " and the result (default: ${DEFAULT-VALUE}).")
  double holdoutFraction = 0.1;

  @Option(
      names = "--max-holdout-drop",
      paramLabel = "D",
      description =
          "Refuse to publish when the result's holdout accuracy is below the parent's by more"
              + " than D, e.g. 0.005 = half a point (default: ${DEFAULT-VALUE}).")
  double maxHoldoutDrop = 0.005;

  @Option(names = "--epochs", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
  int epochs = 1;

  @Option(names = "--learning-rate", paramLabel = "LR", description = "(default: ${DEFAULT-VALUE})")
  float learningRate = 0.0001f;

  @Option(names = "--batch-size", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
  int batchSize = 128;

  @Option(
      names = "--max-batches",
      paramLabel = "N",
      description = "Stop each epoch after N batches; 0 = all (default: ${DEFAULT-VALUE}).")
  long maxBatches = 0;

  @Option(names = "--seed", paramLabel = "N", description = "(default: ${DEFAULT-VALUE})")
  long seed = 42;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "PyTorch intra-op threads (default: cores - 1, at least 1).")
  Integer threads;

  @Option(
      names = "--max-image-side",
      paramLabel = "PIXELS",
      description = "Skip images declaring a larger side, as serving does (default: 1024).")
  int maxImageSide = ServingPreprocessing.DEFAULT_MAX_SIDE;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "The rollout policy, JSON (default: the README's default policy).")
  Path policyFile;

  @Option(
      names = "--signing-key",
      paramLabel = "FILE",
      description = "Ed25519 private key to sign the versions with (its .pub beside it).")
  Path signingKey;

  @Option(names = "--once", description = "One look (and at most one version), then exit.")
  boolean once;

  @Option(
      names = "--dry-run",
      description = "Train and evaluate, but publish nothing (so the position does not move).")
  boolean dryRun;

  /** Released on SIGTERM/SIGINT (or {@link #stop()}): the loop ends after its current step. */
  private final CountDownLatch stop = new CountDownLatch(1);

  /**
   * Run inside another command (the drift demo): no signal handlers of its own (the host's Ctrl-C
   * stays the host's), the host calls {@link #stop()}, and the policy is given as an object.
   */
  boolean embedded;

  /** With {@link #embedded}: the rollout policy, instead of --policy. */
  RolloutPolicy embeddedPolicy;

  /** Ends the loop after its current step (for a host that runs this command on a thread). */
  void stop() {
    stop.countDown();
  }

  /** With --start latest, before this trainer has published: the ends at startup. */
  private Map<Integer, Long> startupPosition;

  /**
   * How the image events and labels are decoded (Confluent framing too when the Kafka properties
   * name a schema registry), and the client properties without the registry's keys.
   */
  private StreamDecoders decoders;

  /** After a refused result: examples needed before the next try (so it does not retrain hot). */
  private int refusedAt;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RolloutPolicy policy;
    try {
      validate();
      policy = policy();
    } catch (ParameterException e) {
      err.println(e.getMessage());
      return USAGE;
    }
    Runnable restoreSignals = once || embedded ? () -> {} : Signals.onTerminate(stop::countDown);
    try {
      decoders =
          StreamDecoders.from(
              clientProperties(), imagesTopic, "none".equals(labelsTopic) ? null : labelsTopic);
      Properties props = decoders.kafka();
      Duration timeout = Duration.ofSeconds(kafkaTimeoutSeconds);
      checkTopics(props, timeout);
      configureThreads();
      TrainingData original = TrainingData.load(datasetFiles(), 0, seed);
      KeyPair keys = signingKey == null ? null : SigningKeys.read(signingKey, null);
      do {
        step(props, timeout, original, policy, keys, out);
        out.flush();
      } while (!once && !stop.await(pollIntervalSeconds, TimeUnit.SECONDS));
      if (!once) {
        out.println("Stopped.");
      }
      return OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OK;
    } catch (Exception e) {
      // an operator's problem, in one line; the trace at debug level
      LOG.debug("continual trainer failed", e);
      err.println("Error: " + message(e));
      return FAILED;
    } finally {
      restoreSignals.run();
      out.flush();
      err.flush();
    }
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (!start.equals("earliest") && !start.equals("latest")) {
      problems.add("--start is earliest or latest, not '" + start + "'");
    }
    if (pollIntervalSeconds < 1) {
      problems.add("--poll-interval must be >= 1 second");
    }
    if (minExamples < 1 || minExamplesOnAlarm < 1) {
      problems.add("--min-examples and --min-examples-on-alarm must be >= 1");
    }
    if (accuracyBelow != null && !(accuracyBelow > 0 && accuracyBelow <= 1)) {
      problems.add("--accuracy-below must be in (0, 1], e.g. 0.95, got " + accuracyBelow);
    }
    if (!(maxHoldoutDrop >= 0 && maxHoldoutDrop <= 1)) {
      problems.add("--max-holdout-drop must be in [0, 1], e.g. 0.005, got " + maxHoldoutDrop);
    }
    if (!(replayRatio >= 0) || !Double.isFinite(replayRatio)) {
      problems.add("--replay-ratio must be >= 0, got " + replayRatio);
    }
    if (!(holdoutFraction >= 0 && holdoutFraction < 1)) {
      problems.add("--holdout-fraction must be in [0, 1), got " + holdoutFraction);
    }
    if (kafkaTimeoutSeconds < 1) {
      problems.add("--kafka-timeout must be >= 1 second");
    }
    try {
      settings(org.mniststream.model.Architecture.CNN_V1);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join("; ", problems));
    }
  }

  private RolloutPolicy policy() {
    RolloutPolicy policy;
    String source;
    if (embeddedPolicy != null) {
      policy = embeddedPolicy;
      source = "the host's policy";
    } else if (policyFile == null) {
      policy = RolloutPolicies.defaultPolicy();
      source = "the default policy";
    } else {
      source = "policy file " + policyFile;
      try {
        policy = PolicyFile.read(policyFile);
      } catch (PolicyFile.Invalid e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    List<String> problems = RolloutPolicies.problems(policy);
    if (!problems.isEmpty()) {
      throw new ParameterException(spec.commandLine(), source + ": " + String.join("; ", problems));
    }
    return policy;
  }

  private TrainingSettings settings(org.mniststream.model.Architecture architecture) {
    return new TrainingSettings(
        architecture, epochs, batchSize, learningRate, seed, maxBatches, 0, false, modelName);
  }

  /** One look: read, maybe train, maybe publish. Each outcome says itself in one line or more. */
  private void step(
      Properties props,
      Duration timeout,
      TrainingData original,
      RolloutPolicy policy,
      KeyPair keys,
      PrintWriter out)
      throws Exception {
    Control control = Control.read(props, modelsTopic, rolloutsTopic, modelName, timeout);
    NavigableMap<Long, ModelVersion> versions = control.versions();
    if (versions.isEmpty()) {
      out.printf("No version of %s on %s yet: nothing to fine-tune%n", modelName, modelsTopic);
      return;
    }
    ModelRollout rollout = control.rollout();
    if (JudgedRollouts.isJudged(rollout)) {
      // a second candidate would end the judging of the first: the judge decides first
      out.printf(
          "v%d of %s is being judged against v%d (stage %d): waiting for the judge%n",
          rollout.getCandidateVersion(),
          modelName,
          rollout.getBaselineVersion(),
          rollout.getStage());
      return;
    }
    long serving = RoutingPlan.decide(versions.navigableKeySet(), Map.of(), rollout).get().active();

    Map<Integer, Long> beginnings = new TreeMap<>();
    Map<Integer, Long> ends = new TreeMap<>();
    offsets(props, timeout, beginnings, ends);
    Optional<ContinualProgress.Position> position = ContinualProgress.of(versions, imagesTopic);
    Map<Integer, Long> next;
    String since;
    if (position.isPresent()) {
      next = position.get().next();
      since = "after v" + position.get().version() + "'s examples";
    } else if (start.equals("latest")) {
      if (startupPosition == null) {
        startupPosition = new TreeMap<>(ends);
      }
      next = startupPosition;
      since = "since startup (--start latest)";
    } else {
      next = beginnings;
      since = "from the beginning";
    }
    long lost = ContinualProgress.lost(next, beginnings);
    if (lost > 0) {
      out.printf(
          "%d records of %s were deleted by retention before they were trained on%n",
          lost, imagesTopic);
    }
    OffsetSelection selection =
        new OffsetSelection(
            Map.of(),
            ContinualProgress.clamp(next, beginnings),
            Map.of(),
            Optional.empty(),
            Optional.empty());
    ServingPreprocessing preprocessing =
        new ServingPreprocessing(
            versions.get(serving).getInputContract().getHeight(), maxImageSide, decoders.images());
    StreamExamples examples =
        StreamExampleReader.read(
            props,
            imagesTopic,
            "none".equals(labelsTopic) ? null : labelsTopic,
            selection,
            preprocessing,
            decoders.labels(),
            timeout);
    int count = examples.examples().count();
    String trigger = trigger(props, timeout, count, serving);
    if (trigger == null) {
      out.printf(
          Locale.ROOT,
          "%d new labelled examples %s (%s), waiting for %d%s%n",
          count,
          since,
          StreamExamples.describe(imagesTopic, examples.imageRanges()),
          refusedAt + minExamples,
          accuracyBelow == null
              ? ""
              : String.format(
                  Locale.ROOT,
                  " (%d if the live accuracy of v%d is below %s)",
                  refusedAt + minExamplesOnAlarm,
                  serving,
                  accuracyBelow));
      return;
    }
    ModelVersion parent = versions.get(serving);
    out.printf(
        Locale.ROOT,
        "Fine-tuning v%d (serving) on %d new labelled examples of %s: %s%n",
        serving,
        count,
        StreamExamples.describe(imagesTopic, examples.imageRanges()),
        trigger);
    StreamFineTune.Result result =
        StreamFineTune.run(
            parent,
            settings(MnistTrainer.architectureOf(parent)),
            examples,
            original,
            replayRatio,
            holdoutFraction,
            ProgressListener.SILENT);
    Provenance p = result.provenance();
    out.printf(
        Locale.ROOT,
        "Trained on %d stream examples + %d replayed, %d held out; original test set accuracy"
            + " %.4f before, %.4f after%n",
        p.getStreamExamples(),
        p.getReplayedExamples(),
        p.getHoldoutExamples(),
        p.getOldTestAccuracyBefore(),
        p.getOldTestAccuracyAfter());
    if (p.getHoldoutAccuracy() != null) {
      out.printf(
          Locale.ROOT,
          "Holdout of the newest %d examples: %.4f for v%d, %.4f after%n",
          p.getHoldoutExamples(),
          p.getHoldoutAccuracyBefore(),
          serving,
          p.getHoldoutAccuracy());
      double drop = p.getHoldoutAccuracyBefore() - p.getHoldoutAccuracy();
      if (drop > maxHoldoutDrop) {
        refusedAt = count;
        out.printf(
            Locale.ROOT,
            "Not published: the holdout accuracy dropped %.2f points (more than"
                + " --max-holdout-drop %.2f); trying again with %d more examples%n",
            drop * 100,
            maxHoldoutDrop * 100,
            minExamples);
        return;
      }
    } else {
      out.println("No holdout (too few examples, or --holdout-fraction 0): not checked");
    }
    ModelVersion candidate = result.version();
    Map<String, String> config = new LinkedHashMap<>(candidate.getTrainingConfig());
    config.put(ContinualProgress.MARKER, imagesTopic);
    candidate.setTrainingConfig(config);
    if (dryRun) {
      out.println("Dry run: nothing published, the position does not move");
      return;
    }
    publish(props, timeout, candidate, serving, rollout, policy, keys, trigger, out);
    refusedAt = 0;
  }

  /** Why to fine-tune now, or null to wait. */
  private String trigger(Properties props, Duration timeout, int count, long serving)
      throws Exception {
    if (count >= refusedAt + minExamples) {
      return count + " >= --min-examples " + (refusedAt + minExamples);
    }
    if (accuracyBelow == null || count < refusedAt + minExamplesOnAlarm) {
      return null;
    }
    Optional<QualityReport> report =
        LiveAccuracy.of(quality(props, timeout), modelName, serving, alarmMinLabelled);
    if (report.isPresent() && report.get().getAccuracy() < accuracyBelow) {
      QualityReport r = report.get();
      return String.format(
          Locale.ROOT,
          "live accuracy of v%d %.4f < --accuracy-below %s (window %s, %d labelled)",
          serving,
          r.getAccuracy(),
          accuracyBelow,
          r.getWindow(),
          r.getLabelled());
    }
    return null;
  }

  /**
   * Publishes the candidate and its judged rollout. Order matters: with no pin on the rollouts
   * topic, the newest valid version is active, so a freshly published candidate would serve every
   * event before the judge has seen one. So first pin the serving version (a plain rollout), then
   * publish the version, then the judged rollout that puts it in the policy's first stage. A crash
   * between two steps leaves a safe state: a pin and no candidate, or a pinned baseline and an
   * unjudged candidate that serves nothing (and counts as published: its examples are not re-read).
   */
  private void publish(
      Properties props,
      Duration timeout,
      ModelVersion candidate,
      long serving,
      ModelRollout current,
      RolloutPolicy policy,
      KeyPair keys,
      String reason,
      PrintWriter out)
      throws Exception {
    // a pin on a version that is not valid falls back to the newest too: pin the serving one
    if (current == null || !Long.valueOf(serving).equals(current.getActiveVersion())) {
      ModelRollout pin =
          JudgedRollouts.rollback(
              modelName,
              serving,
              Instant.now(),
              ISSUER,
              "pin v" + serving + " so that a new version does not become active unjudged");
      sendRollout(props, timeout, pin);
      out.printf("Pinned v%d on %s%n", serving, rolloutsTopic);
    }
    ModelsTopic topic =
        new ModelsTopic(props, modelsTopic, ModelsTopic.DEFAULT_MAX_MESSAGE_BYTES, timeout);
    ModelVersion published = new ModelPublisher(topic).publish(candidate, keys);
    out.printf(
        "Published %s to %s%n",
        TopicNames.modelKey(modelName, published.getVersion()), modelsTopic);
    ModelRollout judged =
        JudgedRollouts.forStage(
            modelName,
            policy,
            published.getVersion(),
            serving,
            0,
            Instant.now(),
            null,
            ISSUER,
            "continual training: " + reason);
    sendRollout(props, timeout, judged);
    out.printf(
        "Judged rollout: v%d against v%d, stage 0 %s; the judge decides%n",
        published.getVersion(), serving, policy.getStages().get(0).getName());
  }

  private void sendRollout(Properties props, Duration timeout, ModelRollout rollout)
      throws Exception {
    Properties p = new Properties();
    p.putAll(props);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "mnist-continual-trainer");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  rolloutsTopic,
                  modelName.getBytes(StandardCharsets.UTF_8),
                  ContractSerdes.modelRollout().encode(rollout)))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new KafkaException("publishing to " + rolloutsTopic + ": " + e.getCause(), e);
    }
  }

  /** The quality topic's reports (latest per key); empty when the topic does not exist. */
  private Map<String, QualityReport> quality(Properties props, Duration timeout)
      throws TimeoutException {
    Map<String, QualityReport> reports = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(props, "mnist-continual-quality"))) {
      for (ConsumerRecord<byte[], byte[]> r :
          TopicReader.readAll(consumer, List.of(qualityTopic), timeout)) {
        if (r.key() == null) {
          continue;
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        try {
          reports.put(
              key, r.value() == null ? null : ContractSerdes.qualityReport().decode(r.value()));
        } catch (AvroDecodingException e) {
          reports.remove(key);
        }
      }
    }
    return reports;
  }

  private void offsets(
      Properties props, Duration timeout, Map<Integer, Long> beginnings, Map<Integer, Long> ends) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(props, "mnist-continual-offsets"))) {
      List<PartitionInfo> partitions = consumer.partitionsFor(imagesTopic, timeout);
      List<TopicPartition> all =
          partitions.stream().map(i -> new TopicPartition(imagesTopic, i.partition())).toList();
      consumer.beginningOffsets(all, timeout).forEach((tp, o) -> beginnings.put(tp.partition(), o));
      consumer.endOffsets(all, timeout).forEach((tp, o) -> ends.put(tp.partition(), o));
    }
  }

  /** Kafka answers, and the topics this command cannot do without exist. */
  private void checkTopics(Properties props, Duration timeout) throws DataUnavailableException {
    Map<String, List<PartitionInfo>> topics;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(props, "mnist-continual-check"))) {
      topics = consumer.listTopics(timeout);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new DataUnavailableException(
          "cannot reach Kafka at "
              + props.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
              + " within "
              + timeout.toSeconds()
              + " s: check --bootstrap-servers and the cluster",
          e);
    }
    for (String topic : List.of(imagesTopic, modelsTopic, rolloutsTopic)) {
      if (!topics.containsKey(topic)) {
        throw new DataUnavailableException(
            "topic " + topic + " does not exist (create it with: mnist-stream topics --create)");
      }
    }
  }

  private Properties clientProperties() {
    Properties props = new Properties();
    props.putAll(kafkaProperties);
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  private DatasetFiles datasetFiles() throws IOException {
    return dataDir != null ? DatasetFiles.inDirectory(dataDir) : DatasetFiles.acquireMnist();
  }

  /** As the trainer does: intra-op threads cores - 1 unless given; see its CliOptions. */
  private void configureThreads() {
    if (threads != null) {
      if (threads < 1) {
        throw new ParameterException(spec.commandLine(), "--threads must be >= 1");
      }
      System.setProperty(EngineTuning.NUM_THREADS, Integer.toString(threads));
    } else if (System.getProperty(EngineTuning.NUM_THREADS) == null) {
      System.setProperty(
          EngineTuning.NUM_THREADS,
          Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors() - 1)));
    }
    EngineTuning.apply();
  }

  private static String message(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.toString() : message.lines().findFirst().get();
  }

  /** What the models and rollouts topics say about one model now. */
  record Control(NavigableMap<Long, ModelVersion> versions, ModelRollout rollout) {
    static Control read(
        Properties props, String modelsTopic, String rolloutsTopic, String model, Duration timeout)
        throws TimeoutException {
      ModelsTopicContents models = new ModelsTopicContents();
      ModelRollout rollout = null;
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(TopicReader.consumerConfig(props, "mnist-continual-control"))) {
        for (ConsumerRecord<byte[], byte[]> r :
            TopicReader.readAll(consumer, List.of(modelsTopic, rolloutsTopic), timeout)) {
          if (r.topic().equals(modelsTopic)) {
            models.apply(r);
          } else if (r.key() != null && model.equals(new String(r.key(), StandardCharsets.UTF_8))) {
            try {
              rollout = r.value() == null ? null : ContractSerdes.modelRollout().decode(r.value());
            } catch (AvroDecodingException e) {
              rollout = null; // as the instances do: an undecodable rollout is no rollout
            }
          }
        }
      }
      return new Control(models.versions(model), rollout);
    }
  }
}
