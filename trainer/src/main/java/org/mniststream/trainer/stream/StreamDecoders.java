package org.mniststream.trainer.stream;

import java.util.Map;
import java.util.Properties;
import org.mniststream.schemas.ContractDecoder;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.framing.ValueCodecs;
import org.mniststream.schemas.framing.ValueFormat;
import org.mniststream.schemas.framing.ValueFormats;

/**
 * How a fine-tune from the topics decodes what it reads: Avro single-object encoding always, and
 * Confluent framing (magic byte 0 + schema id) too when the client properties name a schema
 * registry, as Confluent's own clients take it: {@code schema.registry.url} and {@code
 * schema.registry.basic.auth.user.info} beside the Kafka settings (in {@code --kafka-config} or
 * {@code --kafka-property}). Those keys are taken out of the properties the Kafka clients get.
 *
 * @param kafka the client properties without the registry's keys
 */
public record StreamDecoders(
    Properties kafka, ContractDecoder<ImageEvent> images, ContractDecoder<LabelEvent> labels) {

  /** Reads the registry keys of {@code clientProperties}; single-object only without them. */
  public static StreamDecoders from(
      Properties clientProperties, String imagesTopic, String labels) {
    Properties kafka = new Properties();
    Properties registry = new Properties();
    for (Map.Entry<Object, Object> e : clientProperties.entrySet()) {
      String key = String.valueOf(e.getKey());
      (key.startsWith("schema.registry.") ? registry : kafka).put(key, e.getValue());
    }
    ValueFormats formats = ValueFormats.from(registry);
    if (formats.registryUrl().isEmpty()) {
      return new StreamDecoders(kafka, ContractSerdes.imageEvent(), ContractSerdes.labelEvent());
    }
    // read-only: single-object is what it would write; the registry resolves framed values
    ValueCodecs codecs =
        ValueCodecs.of(
            new ValueFormats(
                ValueFormat.SINGLE_OBJECT,
                Map.of(),
                formats.registryUrl(),
                formats.registryUserInfo()));
    return new StreamDecoders(
        kafka,
        codecs.serde(imagesTopic, ContractSerdes.imageEvent()),
        codecs.serde(labels == null ? imagesTopic : labels, ContractSerdes.labelEvent()));
  }
}
