package org.mniststream.schemas;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * One serde factory per contract type. Each serde also knows every released baseline schema of its
 * type (see {@link #RELEASED_BASELINES}) so it can read data written by older producers.
 */
public final class ContractSerdes {
  /** Released schema baselines, oldest first; each lives under resources {@code baseline/<v>/}. */
  public static final List<String> RELEASED_BASELINES = List.of("v1");

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

  /** The released baseline schema of a contract type, e.g. {@code baseline("v1", "ImageEvent")}. */
  public static Schema baseline(String version, String typeName) {
    return AvroSerde.baselineSchema(version, typeName);
  }

  private static <T extends SpecificRecord> AvroSerde<T> create(Class<T> type, Schema current) {
    List<Schema> older =
        RELEASED_BASELINES.stream().map(v -> baseline(v, type.getSimpleName())).toList();
    return new AvroSerde<>(type, current, older);
  }
}
