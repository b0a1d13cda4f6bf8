package org.mniststream.app.quality;

import java.util.Comparator;
import java.util.List;
import org.mniststream.app.quality.EventState.Label;
import org.mniststream.app.quality.EventState.Scored;

/**
 * What an event's labels make of one of its predictions. A function of the set of labels only, not
 * of the order they came in, so a recomputation in any order gives the same figures.
 *
 * @param label the winning label (the latest of those in the lateness window; ties broken by who
 *     gave it, then by value), or -1 when none is in the window
 * @param labelAt when the winning label was given; {@link Long#MIN_VALUE} when none
 * @param late labels given more than the lateness before or after the prediction
 * @param duplicates labels in the window that repeat a value given before
 * @param conflicts distinct values in the window beyond the first
 */
record Outcome(int label, long labelAt, long late, long duplicates, long conflicts) {
  static final Outcome NONE = new Outcome(-1, Long.MIN_VALUE, 0, 0, 0);

  private static final Comparator<Label> LATEST =
      Comparator.comparingLong(Label::at).thenComparing(Label::by).thenComparingInt(Label::value);

  static Outcome of(Scored prediction, List<Label> labels, long latenessMillis) {
    Label winner = null;
    int seen = 0; // bit set of the values in the window
    long inWindow = 0;
    long late = 0;
    for (Label l : labels) {
      if (Math.abs(l.at() - prediction.processedAt()) > latenessMillis) {
        late++;
        continue;
      }
      inWindow++;
      seen |= 1 << l.value();
      if (winner == null || LATEST.compare(l, winner) > 0) {
        winner = l;
      }
    }
    if (winner == null) {
      return new Outcome(-1, Long.MIN_VALUE, late, 0, 0);
    }
    int distinct = Integer.bitCount(seen);
    return new Outcome(winner.value(), winner.at(), late, inWindow - distinct, distinct - 1);
  }

  boolean labelled() {
    return label >= 0;
  }

  boolean correct(Scored prediction) {
    return labelled() && label == prediction.predictedClass();
  }
}
