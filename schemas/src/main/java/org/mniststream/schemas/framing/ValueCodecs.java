package org.mniststream.schemas.framing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.DeadLetter;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.InstanceHeartbeat;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.ReviewRequest;
import org.mniststream.schemas.TopicNames;
import org.mniststream.schemas.TrustedKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The value formats of a run and the registry they need, as serdes: one {@link FramedSerde} per
 * topic. Built once per process from {@link ValueFormats}.
 */
public final class ValueCodecs {
  private static final Logger LOG = LoggerFactory.getLogger(ValueCodecs.class);

  /** The compatibility rule every contract subject gets: new readers read old data. */
  public static final String COMPATIBILITY = "BACKWARD";

  private final ValueFormats formats;
  private final Optional<SchemaRegistryClient> client;

  private ValueCodecs(ValueFormats formats, Optional<SchemaRegistryClient> client) {
    this.formats = formats;
    this.client = client;
  }

  /** The codecs these settings configure, with a registry client when they name a registry. */
  public static ValueCodecs of(ValueFormats formats) {
    return of(formats, SchemaRegistryClient.Retry.DEFAULT);
  }

  /** As {@link #of(ValueFormats)}, with this retry rule for the registry. */
  public static ValueCodecs of(ValueFormats formats, SchemaRegistryClient.Retry retry) {
    return new ValueCodecs(
        formats,
        formats
            .registryUrl()
            .map(url -> new SchemaRegistryClient(url, formats.registryUserInfo(), retry)));
  }

  public ValueFormats formats() {
    return formats;
  }

  public Optional<SchemaRegistryClient> registry() {
    return client;
  }

  /** The serde of {@code topic}: reads both formats, writes the topic's. */
  public <T extends SpecificRecord> FramedSerde<T> serde(String topic, AvroSerde<T> singleObject) {
    return FramedSerde.of(singleObject, topic, formats, client.map(c -> (SchemaResolver) c));
  }

  /** Every topic of the product with the contract type of its values. */
  public static Map<String, Schema> contracts(TopicNames names) {
    Map<String, Schema> c = new LinkedHashMap<>();
    c.put(names.images(), ImageEvent.getClassSchema());
    c.put(names.predictions(), Prediction.getClassSchema());
    c.put(names.shadowPredictions(), Prediction.getClassSchema());
    c.put(names.models(), ModelVersion.getClassSchema());
    c.put(names.rollouts(), ModelRollout.getClassSchema());
    c.put(names.deadLetters(), DeadLetter.getClassSchema());
    c.put(names.instances(), InstanceHeartbeat.getClassSchema());
    c.put(names.labels(), LabelEvent.getClassSchema());
    c.put(names.quality(), QualityReport.getClassSchema());
    c.put(names.decisions(), JudgeDecision.getClassSchema());
    c.put(names.review(), ReviewRequest.getClassSchema());
    c.put(names.trustedKeys(), TrustedKey.getClassSchema());
    return c;
  }

  /**
   * When any topic is written in Confluent framing: sets {@value #COMPATIBILITY} on every topic's
   * subject {@code <topic>-value} and registers the topic's current contract there, so the ids are
   * cached before the first record and a registry that refuses a contract stops the start. Does
   * nothing otherwise.
   *
   * @return the ids by subject, empty when nothing was registered
   * @throws IncompatibleSchemaException when a subject holds a schema the contract breaks
   * @throws SchemaRegistryUnavailableException when the registry does not answer
   */
  public Map<String, Integer> registerContracts(TopicNames names) {
    if (!formats.anyConfluent()) {
      return Map.of();
    }
    SchemaRegistryClient registry = client.orElseThrow();
    Map<String, Integer> ids = new LinkedHashMap<>();
    contracts(names)
        .forEach(
            (topic, schema) -> {
              String subject = topic + "-value";
              registry.setCompatibility(subject, COMPATIBILITY);
              ids.put(subject, registry.register(subject, schema));
            });
    LOG.info("Registered the contracts with {}: {}", registry, ids);
    return ids;
  }
}
