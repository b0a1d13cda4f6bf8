package org.mniststream.cli.naive;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.mniststream.model.Architecture;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.Route;

/**
 * The naive end-to-end peer: the MNIST classifier as the common public Kafka Streams + DJL examples
 * write it, so that {@code bench --compare naive} can say what the product buys over the obvious
 * approach, measured side by side in one run on the same broker, events and model.
 *
 * <p>Reads {@code images} (key: bytes, passed through; value: {@code ImageEvent}) and writes {@code
 * predictions} (same key; value: {@code Prediction}, the product's contract, so the bench measures
 * both the same way).
 *
 * <p>What it deliberately does not do, because the examples do not: no micro-batching (one DJL
 * {@code Predictor} call per record in {@code mapValues}); no validation beyond decoding (no size,
 * encoding or pixel checks, no dead letters: a record it cannot decode or classify stops the app,
 * Kafka Streams' default); no hot swap (the model is captured when the topology is built, the
 * pattern docs/STYLE.md tells the product to avoid); no engine or thread tuning; Kafka Streams'
 * default settings apart from the processing guarantee, which {@code bench} sets like the product's
 * so the two pay the same transactional price. Only raw 8-bit gray images are understood.
 */
public final class NaivePeerTopology {
  private NaivePeerTopology() {}

  /** {@code images} -> classify each record -> {@code predictions}. */
  public static Topology build(
      String imagesTopic, String predictionsTopic, NaiveModel model, Clock clock) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(imagesTopic, Consumed.with(Serdes.ByteArray(), ContractSerdes.imageEvent()))
        .mapValues(event -> classify(event, model, clock))
        .to(predictionsTopic, Produced.with(Serdes.ByteArray(), ContractSerdes.prediction()));
    return builder.build();
  }

  /**
   * Kafka Streams' defaults with {@code overrides} on top; only the ids, the servers and the
   * processing guarantee are expected there.
   */
  public static Properties streamsConfig(Properties overrides) {
    Properties p = new Properties();
    p.putAll(overrides);
    p.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "mnist-naive-peer");
    p.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    return p;
  }

  static Prediction classify(ImageEvent event, NaiveModel model, Clock clock) {
    long start = System.nanoTime();
    if (event.getEncoding() != PixelEncoding.RAW_GRAY8) {
      throw new IllegalArgumentException(
          "the naive peer reads raw gray8 images only, got " + event.getEncoding());
    }
    float[] input = model.normalizer().normalizeAll(AvroBytes.copyOf(event.getPixels()), 0, 1);
    float[] probabilities = model.predict(input);
    int best = 0;
    for (int c = 1; c < Architecture.CLASSES; c++) {
      if (probabilities[c] > probabilities[best]) {
        best = c;
      }
    }
    List<Float> boxed = new ArrayList<>(probabilities.length);
    for (float p : probabilities) {
      boxed.add(p);
    }
    return Prediction.newBuilder()
        .setEventId(event.getEventId())
        .setEventTime(event.getEventTime())
        .setModelName(model.name())
        .setModelVersion(model.version())
        .setPredictedClass(best)
        .setConfidence(probabilities[best])
        .setProbabilities(boxed)
        .setRoute(Route.ACTIVE)
        .setLatencyMicros((System.nanoTime() - start) / 1_000)
        .setProcessedAt(clock.instant())
        .setLabel(event.getLabel())
        .build();
  }
}
