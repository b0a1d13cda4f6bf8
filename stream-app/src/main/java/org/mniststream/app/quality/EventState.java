package org.mniststream.app.quality;

import java.util.ArrayList;
import java.util.List;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;

/**
 * What the quality app keeps of one event, keyed by its id: its predictions (one per route and
 * version, the shadow's and the canary's paired baseline included) and every distinct label given
 * for it. Immutable.
 */
record EventState(List<Scored> predictions, List<Label> labels) {
  static final EventState EMPTY = new EventState(List.of(), List.of());

  /** Who a label given inline on the image event is from. */
  static final String INLINE = "inline";

  EventState {
    predictions = List.copyOf(predictions);
    labels = List.copyOf(labels);
  }

  /**
   * This state with {@code p} added (and its inline label, the first time one is seen); the same
   * state when a prediction of the same route and version is already here (a redelivery).
   */
  EventState with(Prediction p) {
    Scored scored = Scored.of(p);
    if (predictions.stream().anyMatch(s -> s.sameRouteAndVersion(scored))) {
      return this;
    }
    List<Scored> ps = new ArrayList<>(predictions);
    ps.add(scored);
    List<Label> ls = new ArrayList<>(labels);
    if (p.getLabel() != null && labels.stream().noneMatch(l -> l.by().equals(INLINE))) {
      ls.add(new Label(p.getLabel(), INLINE, scored.processedAt()));
    }
    return new EventState(ps, ls);
  }

  /** This state with the label added; the same state when this very label is already here. */
  EventState with(LabelEvent l) {
    Label label = new Label(l.getLabel(), l.getLabelledBy(), l.getLabelledAt().toEpochMilli());
    if (labels.contains(label)) {
      return this;
    }
    List<Label> ls = new ArrayList<>(labels);
    ls.add(label);
    return new EventState(predictions, ls);
  }

  /** The latest time in the state: it is kept until this plus the retention. */
  long lastTime() {
    long t = Long.MIN_VALUE;
    for (Scored s : predictions) {
      t = Math.max(t, s.processedAt());
    }
    for (Label l : labels) {
      t = Math.max(t, l.at());
    }
    return t;
  }

  /** What the quality app needs of a prediction: no probabilities, only what is scored. */
  record Scored(
      String modelName,
      long version,
      String route,
      int predictedClass,
      long confidenceMicros,
      long eventTime,
      long processedAt) {

    static Scored of(Prediction p) {
      return new Scored(
          p.getModelName(),
          p.getModelVersion(),
          p.getRoute().name(),
          p.getPredictedClass(),
          Math.max(0, Math.min(1_000_000, Math.round(p.getConfidence() * 1_000_000d))),
          p.getEventTime().toEpochMilli(),
          p.getProcessedAt().toEpochMilli());
    }

    boolean sameRouteAndVersion(Scored other) {
      return route.equals(other.route) && version == other.version;
    }

    /** End to end: from the event's time to its prediction. */
    long latencyMillis() {
      return processedAt - eventTime;
    }
  }

  /** One label: the digit, who gave it and when. */
  record Label(int value, String by, long at) {}
}
