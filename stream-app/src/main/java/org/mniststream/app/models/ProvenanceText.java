package org.mniststream.app.models;

import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Provenance;
import org.mniststream.schemas.TopicOffsetRange;

/**
 * Where a version fine-tuned from topics learnt from, in two lines of text: the same words in the
 * {@code models} listing and in {@code /model} (which the dashboard shows under each route).
 */
public final class ProvenanceText {
  private ProvenanceText() {}

  /**
   * Two lines (sources and counts; accuracies before and after), or none for a version without
   * provenance.
   */
  public static List<String> lines(ModelVersion v) {
    Provenance p = v.getProvenance();
    if (p == null) {
      return List.of();
    }
    StringBuilder source = new StringBuilder("from ");
    source.append(v.getParentVersion() == null ? "-" : "v" + v.getParentVersion()).append(": ");
    source.append(
        p.getSourceTopics().stream()
            .map(ProvenanceText::ranges)
            .collect(Collectors.joining(" + ")));
    if (p.getLabelsTopic() != null) {
      source.append(" + labels ").append(ranges(p.getLabelsTopic()));
    }
    source.append(
        String.format(
            Locale.ROOT,
            "; %d stream + %d replayed (ratio %s), %d held out, skipped %s",
            p.getStreamExamples(),
            p.getReplayedExamples(),
            p.getReplayRatio(),
            p.getHoldoutExamples(),
            p.getSkipped().isEmpty() ? "none" : new TreeMap<>(p.getSkipped())));
    String accuracy =
        String.format(
            Locale.ROOT,
            "accuracy: original test %s -> %s, stream holdout %s -> %s",
            fraction(p.getOldTestAccuracyBefore()),
            fraction(p.getOldTestAccuracyAfter()),
            fraction(p.getHoldoutAccuracyBefore()),
            fraction(p.getHoldoutAccuracy()));
    return List.of(source.toString(), accuracy);
  }

  private static String ranges(TopicOffsetRange t) {
    return t.getTopic()
        + " "
        + t.getPartitions().stream()
            .map(r -> r.getPartition() + ":" + r.getFromOffset() + "-" + r.getToOffset())
            .collect(Collectors.joining(","));
  }

  private static String fraction(Double d) {
    return d == null ? "-" : String.format(Locale.ROOT, "%.4f", d);
  }
}
