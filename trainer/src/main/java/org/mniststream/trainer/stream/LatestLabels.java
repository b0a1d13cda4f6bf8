package org.mniststream.trainer.stream;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.mniststream.schemas.LabelEvent;

/**
 * The labels topic joined by event id: of an event's labels the latest wins (by {@code labelledAt},
 * ties broken by who gave it, then by value), the rule of the stream app's quality app ({@code
 * app/quality/Outcome}), so a version trains on the label that live quality judges it by. The
 * outcome depends on the set of labels only, not on the order they were read in. Labels that are
 * not a digit 0-9 are refused ({@link #offer} returns false). Not thread-safe.
 */
public final class LatestLabels {
  private record Label(int value, String by, long at) {}

  private static final Comparator<Label> LATEST =
      Comparator.comparingLong(Label::at).thenComparing(Label::by).thenComparingInt(Label::value);

  private final Map<String, Label> byEvent = new HashMap<>();

  /** Takes one label event; false (and ignored) when its label is not a digit 0-9. */
  public boolean offer(LabelEvent event) {
    int value = event.getLabel();
    if (value < 0 || value > 9) {
      return false;
    }
    Label label = new Label(value, event.getLabelledBy(), event.getLabelledAt().toEpochMilli());
    byEvent.merge(
        event.getEventId(), label, (old, now) -> LATEST.compare(now, old) > 0 ? now : old);
    return true;
  }

  /** The winning label of an event, if any was given on the labels topic. */
  public OptionalInt of(String eventId) {
    Label label = byEvent.get(eventId);
    return label == null ? OptionalInt.empty() : OptionalInt.of(label.value());
  }

  /** Events with a label. */
  public int size() {
    return byEvent.size();
  }
}
