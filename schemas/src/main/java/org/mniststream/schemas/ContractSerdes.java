package org.mniststream.schemas;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * One serde factory per contract type. Each serde also knows every released baseline schema of its
 * type (see {@link #RELEASED_BASELINES}) so it can read data written by older producers.
 */
public final class ContractSerdes {
  /**
   * Released schema baselines, oldest first; each lives under resources {@code baseline/<v>/} and
   * holds the types first released (or changed) in it: v1 the first five, v2 InstanceHeartbeat,
   * LabelEvent and QualityReport, v3 JudgeDecision and the judged-rollout fields of ModelRollout
   * and the BASELINE route of Prediction, ModelVersion's provenance, ReviewRequest and TrustedKey.
   */
  public static final List<String> RELEASED_BASELINES = List.of("v1", "v2", "v3");

  private static final Map<Class<?>, AvroSerde<?>> SERDES = new ConcurrentHashMap<>();

  private ContractSerdes() {}

  public static AvroSerde<ImageEvent> imageEvent() {
    return create(ImageEvent.class, ImageEvent.getClassSchema());
  }

  public static AvroSerde<Prediction> prediction() {
    return create(Prediction.class, Prediction.getClassSchema());
  }

  public static AvroSerde<ModelVersion> modelVersion() {
    return create(ModelVersion.class, ModelVersion.getClassSchema());
  }

  public static AvroSerde<ModelRollout> modelRollout() {
    return create(ModelRollout.class, ModelRollout.getClassSchema());
  }

  public static AvroSerde<DeadLetter> deadLetter() {
    return create(DeadLetter.class, DeadLetter.getClassSchema());
  }

  public static AvroSerde<InstanceHeartbeat> instanceHeartbeat() {
    return create(InstanceHeartbeat.class, InstanceHeartbeat.getClassSchema());
  }

  public static AvroSerde<LabelEvent> labelEvent() {
    return create(LabelEvent.class, LabelEvent.getClassSchema());
  }

  public static AvroSerde<QualityReport> qualityReport() {
    return create(QualityReport.class, QualityReport.getClassSchema());
  }

  public static AvroSerde<JudgeDecision> judgeDecision() {
    return create(JudgeDecision.class, JudgeDecision.getClassSchema());
  }

  public static AvroSerde<ReviewRequest> reviewRequest() {
    return create(ReviewRequest.class, ReviewRequest.getClassSchema());
  }

  public static AvroSerde<TrustedKey> trustedKey() {
    return create(TrustedKey.class, TrustedKey.getClassSchema());
  }

  /** The released baseline schema of a contract type, e.g. {@code baseline("v1", "ImageEvent")}. */
  public static Schema baseline(String version, String typeName) {
    return AvroSerde.baselineSchema(version, typeName)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no baseline schema " + version + "/" + typeName + ".avsc"));
  }

  /** Every released baseline of a contract type, oldest first (those it was released in). */
  public static List<Schema> baselines(String typeName) {
    return RELEASED_BASELINES.stream()
        .flatMap(v -> AvroSerde.baselineSchema(v, typeName).stream())
        .toList();
  }

  /**
   * One serde per type for the whole JVM: a serde is stateless and thread-safe, and building one
   * parses every released baseline schema of its type (once measured at 64 % of the quality app's
   * CPU when a processor asked for a serde per record).
   */
  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> AvroSerde<T> create(Class<T> type, Schema current) {
    return (AvroSerde<T>)
        SERDES.computeIfAbsent(
            type, t -> new AvroSerde<>(type, current, baselines(type.getSimpleName())));
  }
}
