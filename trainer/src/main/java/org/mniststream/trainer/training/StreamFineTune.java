package org.mniststream.trainer.training;

import ai.djl.MalformedModelException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.mniststream.model.Sha256;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.PartitionOffsetRange;
import org.mniststream.schemas.Provenance;
import org.mniststream.schemas.TopicOffsetRange;
import org.mniststream.trainer.data.DataUnavailableException;
import org.mniststream.trainer.data.IdxDataset;
import org.mniststream.trainer.stream.OffsetSelection.Range;
import org.mniststream.trainer.stream.StreamExamples;

/**
 * Fine-tunes a version on labelled stream examples mixed with a replay sample of the original
 * training set (against forgetting), and records where it learnt from in the version's {@link
 * Provenance}.
 *
 * <p>The latest {@code holdoutFraction} of the stream examples (by record time) are not trained on:
 * they measure the parent and the result on recent traffic. The original test set measures
 * forgetting (before = the parent, after = the result). The replay sample is {@code round(ratio *
 * stream training examples)} images of the original training set (at most all of them), drawn
 * without replacement by the run's seed.
 */
public final class StreamFineTune {
  private StreamFineTune() {}

  /**
   * The outcome: the training run (its version carries the provenance) and the provenance itself.
   */
  public record Result(TrainingResult training, Provenance provenance, boolean replayCapped) {
    public ModelVersion version() {
      return training.version();
    }
  }

  /**
   * @param original the original training set (replayed) and test set (forgetting is measured on)
   * @throws DataUnavailableException when no stream example is left to train on
   */
  public static Result run(
      ModelVersion parent,
      TrainingSettings settings,
      StreamExamples stream,
      TrainingData original,
      double replayRatio,
      double holdoutFraction,
      ProgressListener progress)
      throws DataUnavailableException, MalformedModelException {
    if (!(replayRatio >= 0) || !Double.isFinite(replayRatio)) {
      throw new IllegalArgumentException("replay ratio must be >= 0, got " + replayRatio);
    }
    if (!(holdoutFraction >= 0 && holdoutFraction < 1)) {
      throw new IllegalArgumentException(
          "holdout fraction must be in [0, 1), got " + holdoutFraction);
    }
    IdxDataset examples = stream.examples();
    int holdoutCount = (int) Math.floor(examples.count() * holdoutFraction);
    int trainCount = examples.count() - holdoutCount;
    if (trainCount == 0) {
      throw new DataUnavailableException(
          "no labelled example to train on in "
              + StreamExamples.describe(stream.imagesTopic(), stream.imageRanges())
              + " ("
              + stream.imageRecords()
              + " records, skipped "
              + stream.skipped()
              + ")");
    }
    IdxDataset streamTrain = examples.head(trainCount);
    int[] tail = new int[holdoutCount];
    Arrays.setAll(tail, i -> trainCount + i);
    IdxDataset holdout = examples.subset(tail);

    IdxDataset originalTrain = original.train();
    long wanted = Math.round(replayRatio * trainCount);
    int replayCount = (int) Math.min(wanted, originalTrain.count());
    int[] replayIndices = sample(originalTrain.count(), replayCount, settings.seed());
    IdxDataset replay = originalTrain.subset(replayIndices);

    String streamDescription =
        StreamExamples.describe(stream.imagesTopic(), stream.imageRanges())
            + stream
                .labelsTopic()
                .map(t -> " + labels " + StreamExamples.describe(t, stream.labelRanges()))
                .orElse("");
    TrainingData data =
        new TrainingData(
            IdxDataset.concat(streamTrain, replay),
            Optional.empty(),
            original.test(),
            Sha256.hex(
                (original.fingerprint() + "\n" + streamDescription)
                    .getBytes(StandardCharsets.UTF_8)),
            "topic "
                + streamDescription
                + (replayCount > 0
                    ? " + " + replayCount + " replayed from " + original.source()
                    : ""));
    TrainingResult training = MnistTrainer.fineTune(parent, settings, data, progress);

    Double holdoutBefore = null;
    Double holdoutAfter = null;
    if (holdoutCount > 0) {
      holdoutBefore = MnistTrainer.evaluateTrusted(parent, holdout).getTestAccuracy();
      holdoutAfter = MnistTrainer.evaluateTrusted(training.version(), holdout).getTestAccuracy();
    }
    Provenance provenance =
        Provenance.newBuilder()
            .setSourceTopics(List.of(offsetRange(stream.imagesTopic(), stream.imageRanges())))
            .setLabelsTopic(
                stream.labelsTopic().map(t -> offsetRange(t, stream.labelRanges())).orElse(null))
            .setReplayDatasetFingerprint(replayCount > 0 ? original.fingerprint() : null)
            .setReplaySampleSha256(replayCount > 0 ? indicesSha256(replayIndices) : null)
            .setReplayRatio(replayRatio)
            .setStreamExamples(trainCount)
            .setHoldoutExamples(holdoutCount)
            .setReplayedExamples(replayCount)
            .setSkipped(new LinkedHashMap<>(stream.skipped()))
            .setHoldoutAccuracyBefore(holdoutBefore)
            .setHoldoutAccuracy(holdoutAfter)
            .setOldTestAccuracyBefore(
                training.initialMetrics().map(m -> m.getTestAccuracy()).orElse(null))
            .setOldTestAccuracyAfter(training.metrics().getTestAccuracy())
            .build();
    ModelVersion version = training.version();
    Map<String, String> config = new LinkedHashMap<>(version.getTrainingConfig());
    config.put("replayRatio", Double.toString(replayRatio));
    config.put("holdoutFraction", Double.toString(holdoutFraction));
    version.setTrainingConfig(config);
    version.setProvenance(provenance);
    return new Result(training, provenance, wanted > replayCount);
  }

  /** {@code count} distinct indices of {@code 0..size-1} drawn by {@code seed}, ascending. */
  static int[] sample(int size, int count, long seed) {
    int[] all = new int[size];
    Arrays.setAll(all, i -> i);
    Random random = new Random(seed);
    // a partial Fisher-Yates: the first count slots end up a uniform sample
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(size - i);
      int swap = all[i];
      all[i] = all[j];
      all[j] = swap;
    }
    int[] picked = Arrays.copyOf(all, count);
    Arrays.sort(picked);
    return picked;
  }

  static String indicesSha256(int[] indices) {
    ByteBuffer bytes = ByteBuffer.allocate(indices.length * Integer.BYTES);
    for (int i : indices) {
      bytes.putInt(i);
    }
    return Sha256.hex(bytes.array());
  }

  private static TopicOffsetRange offsetRange(String topic, Map<Integer, Range> ranges) {
    List<PartitionOffsetRange> partitions = new ArrayList<>();
    ranges.forEach(
        (p, r) ->
            partitions.add(
                PartitionOffsetRange.newBuilder()
                    .setPartition(p)
                    .setFromOffset(r.from())
                    .setToOffset(r.to())
                    .build()));
    return TopicOffsetRange.newBuilder().setTopic(topic).setPartitions(partitions).build();
  }
}
