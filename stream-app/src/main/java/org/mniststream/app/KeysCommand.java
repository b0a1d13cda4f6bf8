package org.mniststream.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.mniststream.app.config.AppSettings;
import org.mniststream.app.config.ClientConfigs;
import org.mniststream.app.models.ServingPolicy;
import org.mniststream.model.ModelSigning;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.KeyState;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.TrustedKey;
import org.mniststream.topics.TopicReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code keys}: the signing keys' states on the trusted-keys topic ({@code TrustedKey}, key = key
 * id). {@code revoke} makes every instance stop serving the versions a key signed; {@code trust}
 * records a key (and lifts a revocation); {@code list} shows each key's state and the versions that
 * name it. The topic only takes trust away: the keys that verify signatures are each app's {@code
 * model.trusted-keys}.
 */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description =
        "Signing keys on the trusted-keys topic: revoke one (every instance stops serving its"
            + " versions within a second), trust one (lifts a revocation), list them.",
    subcommands = {KeysCommand.Revoke.class, KeysCommand.Trust.class, KeysCommand.ListKeys.class})
final class KeysCommand implements Callable<Integer> {
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

  @ParentCommand StreamAppCli parent;
  @Spec CommandLine.Model.CommandSpec spec;

  /** No subcommand: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return StreamAppCli.USAGE;
  }

  /** What every {@code keys} subcommand has: the app's layered configuration. */
  abstract static class KeysSubcommand implements Callable<Integer> {
    @ParentCommand KeysCommand keys;
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StreamAppCli.ConfigOptions options;

    Properties config() {
      return options.load(keys.parent.env());
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revoke a signing key: no instance serves a version it signed any more; each falls"
              + " back to the newest version signed by a key still trusted, and refuses rollouts"
              + " that name one.")
  static final class Revoke extends KeysSubcommand {
    @Parameters(paramLabel = "KEYID", description = "The key id (16 hex, as in `models`).")
    String keyId;

    @Option(names = "--reason", required = true, description = "Why (kept on the topic).")
    String reason;

    @Option(
        names = "--by",
        description = "Who revokes it (default: the user name).",
        defaultValue = "${sys:user.name}")
    String by;

    @Override
    public Integer call() throws Exception {
      if (!KEY_ID.matcher(keyId).matches()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "KEYID must be 16 lower-case hex characters (the SIGNED_BY column of `models`), got '"
                + keyId
                + "'");
      }
      Properties props = config();
      TrustedKey record = record(keyId, null, KeyState.REVOKED, reason, by);
      publish(props, TopicNames.from(props).trustedKeys(), record);
      spec.commandLine()
          .getOut()
          .println(
              "Revoked key "
                  + keyId
                  + " ("
                  + reason
                  + "): every instance stops serving the versions it signed.");
      return StreamAppCli.OK;
    }
  }

  @Command(
      name = "trust",
      mixinStandardHelpOptions = true,
      description =
          "Record a signing key as trusted (lifting a revocation of it). The instances verify"
              + " signatures with their own model.trusted-keys: add the key file there as well.")
  static final class Trust extends KeysSubcommand {
    @Option(
        names = "--public-key",
        required = true,
        paramLabel = "FILE",
        description = "The Ed25519 public key file (NAME.pub, as keygen writes it).")
    Path publicKey;

    @Option(names = "--reason", description = "Why (kept on the topic).")
    String reason;

    @Option(
        names = "--by",
        description = "Who trusts it (default: the user name).",
        defaultValue = "${sys:user.name}")
    String by;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(publicKey)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--public-key " + publicKey + " is not a file");
      }
      PublicKey key;
      try {
        key = ModelSigning.readPublicKey(publicKey);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      String id = ModelSigning.keyId(key);
      Properties props = config();
      publish(
          props,
          TopicNames.from(props).trustedKeys(),
          record(id, key.getEncoded(), KeyState.TRUSTED, reason, by));
      spec.commandLine()
          .getOut()
          .println(
              "Trusted key "
                  + id
                  + " ("
                  + publicKey
                  + "); instances verify with it once it is in their model.trusted-keys.");
      return StreamAppCli.OK;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Each key's state on the trusted-keys topic and the versions that name it.")
  static final class ListKeys extends KeysSubcommand {
    @Option(names = "--model", description = "Model name (default: model.name).")
    String model;

    @Override
    public Integer call() throws Exception {
      Properties props = config();
      TopicNames topics = TopicNames.from(props);
      String name = model != null ? model : AppSettings.from(props).modelName();
      Map<String, TrustedKey> states = read(props, topics.trustedKeys());
      Map<String, List<Long>> versions = new TreeMap<>();
      for (ModelVersion v :
          StreamAppCli.ControlTopics.read(props, topics, name).versions().values()) {
        String id = v.getSigningKeyId() == null ? "(unsigned)" : v.getSigningKeyId();
        versions.computeIfAbsent(id, k -> new ArrayList<>()).add(v.getVersion());
      }
      Map<String, Boolean> ids = new TreeMap<>();
      states.keySet().forEach(id -> ids.put(id, true));
      versions.keySet().forEach(id -> ids.putIfAbsent(id, false));
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "%-16s %-8s %-24s %-12s %-20s %s%n",
          "KEY_ID", "STATE", "CHANGED_AT", "CHANGED_BY", "VERSIONS", "REASON");
      for (String id : ids.keySet()) {
        TrustedKey k = states.get(id);
        out.printf(
            "%-16s %-8s %-24s %-12s %-20s %s%n",
            id,
            k == null ? "-" : k.getState(),
            k == null ? "-" : k.getChangedAt(),
            k == null ? "-" : k.getChangedBy(),
            versions.getOrDefault(id, List.of()),
            k == null || k.getReason() == null ? "" : k.getReason());
      }
      out.println(
          states.size()
              + " key record(s) on "
              + topics.trustedKeys()
              + "; a key without one ('-') is trusted if an instance's model.trusted-keys has it.");
      return StreamAppCli.OK;
    }
  }

  /**
   * The policy the instances apply, as far as the topics and the configuration say: the floor
   * ({@code model.min-version}) and the revoked keys. (An instance also blocks by the key that
   * verifies a version, which the CLI does not check.)
   */
  static ServingPolicy policy(Properties props, TopicNames topics) throws Exception {
    ServingPolicy policy = ServingPolicy.NONE.withFloor(AppSettings.from(props).minVersion());
    for (TrustedKey k : read(props, topics.trustedKeys()).values()) {
      if (k.getState() != KeyState.TRUSTED) {
        policy = policy.revoke(k.getKeyId(), k.getReason());
      }
    }
    return policy;
  }

  /** Why the instances would refuse a rollout naming these versions; empty when they would not. */
  static List<String> refusals(
      ServingPolicy policy, Map<Long, ModelVersion> known, Collection<Long> named) {
    List<String> why = new ArrayList<>();
    for (long v : named) {
      ModelVersion version = known.get(v);
      List<String> signers =
          version == null || version.getSigningKeyId() == null
              ? List.of()
              : List.of(version.getSigningKeyId());
      policy.blocks(v, signers).ifPresent(reason -> why.add("version " + v + " is " + reason));
    }
    return why;
  }

  /** The latest record of every key id (a tombstone forgets the key). */
  static Map<String, TrustedKey> read(Properties props, String topic) throws Exception {
    Map<String, TrustedKey> states = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(ClientConfigs.consumer(props, "keys-cli"))) {
      for (ConsumerRecord<byte[], byte[]> r :
          TopicReader.readAll(consumer, List.of(topic), CLIENT_TIMEOUT)) {
        if (r.key() == null) {
          continue;
        }
        String id = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
          states.remove(id);
          continue;
        }
        try {
          states.put(id, ContractSerdes.trustedKey().decode(r.value()));
        } catch (AvroDecodingException e) {
          // the app ignores it too; `list` shows what the instances act on
        }
      }
    }
    return states;
  }

  private static TrustedKey record(
      String keyId, byte[] publicKey, KeyState state, String reason, String by) {
    return TrustedKey.newBuilder()
        .setKeyId(keyId)
        .setPublicKey(publicKey == null ? null : ByteBuffer.wrap(publicKey))
        .setState(state)
        .setReason(reason)
        .setChangedAt(Instant.now())
        .setChangedBy(by)
        .build();
  }

  /** An idempotent producer, acknowledged by every in-sync replica, as the rollouts go out. */
  private static void publish(Properties props, String topic, TrustedKey record) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(ClientConfigs.producer(props, "keys-cli"))) {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  record.getKeyId().getBytes(StandardCharsets.UTF_8),
                  ContractSerdes.trustedKey().encode(record)))
          .get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
