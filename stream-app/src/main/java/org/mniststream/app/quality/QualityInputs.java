package org.mniststream.app.quality;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;

/**
 * The serde of the quality app's repartition topic, where predictions and labels travel together
 * keyed by event id: one tag byte, then the contract's own single-object encoding. A private
 * format: only this app reads that topic.
 */
final class QualityInputs {
  private static final byte PREDICTION = 'P';
  private static final byte LABEL = 'L';

  private QualityInputs() {}

  static Serde<SpecificRecord> serde() {
    AvroSerde<Prediction> predictions = ContractSerdes.prediction();
    AvroSerde<LabelEvent> labels = ContractSerdes.labelEvent();
    Serializer<SpecificRecord> serializer =
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          byte[] body;
          byte tag;
          if (value instanceof Prediction p) {
            tag = PREDICTION;
            body = predictions.encode(p);
          } else if (value instanceof LabelEvent l) {
            tag = LABEL;
            body = labels.encode(l);
          } else {
            throw new IllegalArgumentException("not a quality input: " + value.getClass());
          }
          byte[] out = new byte[body.length + 1];
          out[0] = tag;
          System.arraycopy(body, 0, out, 1, body.length);
          return out;
        };
    Deserializer<SpecificRecord> deserializer =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          byte[] body = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
          return switch (bytes[0]) {
            case PREDICTION -> predictions.decode(body);
            case LABEL -> labels.decode(body);
            default -> throw new IllegalArgumentException("unknown quality input tag " + bytes[0]);
          };
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
