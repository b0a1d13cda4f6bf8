package org.mniststream.app.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.mniststream.app.quality.EventState.Scored;
import org.mniststream.app.quality.ReportBuilder.Pair;
import org.mniststream.schemas.LabelEvent;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.Route;

/**
 * The live-quality computation, one record at a time, over a {@link QualityStore}: the quality
 * topology's processor and the offline recomputation ({@link QualityRecompute}) both run it, so
 * they cannot disagree.
 *
 * <p>Each prediction or label updates its event's state; every prediction of the event whose {@link
 * Outcome} changed yields a {@link ReportDelta} for each of the two reports it counts in ({@code
 * all} and its window), and every pair whose outcome changed one for the challenger's paired
 * comparison. The pairs are on one event: (ACTIVE, SHADOW), since a shadow version scores every
 * event, and (BASELINE, CANARY), since the classifier has the active version score a sample of the
 * canary's events too ({@code canary.paired-percent}). BASELINE predictions also get reports of
 * their own: the active version's quality on the sampled canary events. The deltas go on to the
 * {@link ReportAggregator}: events are partitioned by id and reports by key, so one report gathers
 * the deltas of every partition.
 *
 * <p>Time is the predictions' processedAt (stamped by the classifier), never a label's time (given
 * by tools outside): an event is dropped from the store once the latest processedAt seen passes its
 * last time plus twice the lateness. Labels of an event that never had a prediction by then are
 * counted unmatched.
 */
final class QualityEngine {
  private final QualitySettings settings;
  private final QualityStore store;
  private final QualityMetrics metrics;
  private long streamTime = Long.MIN_VALUE;
  // At most the earliest time in the expiry index, so that a prediction that expires nothing costs
  // no scan of the index (one per prediction was a fifth of the quality app's CPU, see
  // docs/BENCHMARKS.md); null until the first scan after a start.
  private Long earliestExpiry;

  QualityEngine(QualitySettings settings, QualityStore store, QualityMetrics metrics) {
    this.settings = settings;
    this.store = store;
    this.metrics = metrics;
  }

  List<ReportDelta> onPrediction(Prediction p) {
    List<ReportDelta> out = update(p.getEventId(), s -> s.with(p));
    streamTime = Math.max(streamTime, p.getProcessedAt().toEpochMilli());
    expire();
    return out;
  }

  List<ReportDelta> onLabel(LabelEvent l) {
    return update(l.getEventId(), s -> s.with(l));
  }

  private List<ReportDelta> update(String eventId, UnaryOperator<EventState> change) {
    EventState stored = store.event(eventId);
    EventState before = stored == null ? EventState.EMPTY : stored;
    EventState after = change.apply(before);
    if (after.equals(before)) {
      return List.of();
    }
    if (stored != null) {
      store.deleteExpiry(expiryKey(before, eventId));
    }
    store.putEvent(eventId, after);
    store.putExpiry(expiryKey(after, eventId));
    if (earliestExpiry != null) {
      earliestExpiry = Math.min(earliestExpiry, expiryTime(after));
    }

    long lateness = settings.lateness().toMillis();
    List<ReportDelta> deltas = new ArrayList<>();
    Map<Scored, Outcome> was = new LinkedHashMap<>();
    Map<Scored, Outcome> now = new LinkedHashMap<>();
    for (Scored p : after.predictions()) {
      Outcome o0 =
          before.predictions().contains(p)
              ? Outcome.of(p, before.labels(), lateness)
              : Outcome.NONE;
      Outcome o1 = Outcome.of(p, after.labels(), lateness);
      was.put(p, o0);
      now.put(p, o1);
      if (!o0.equals(o1)) {
        for (ReportKey key : ReportKey.of(p, settings.window())) {
          deltas.add(ReportDelta.outcome(key, p, o0, o1));
        }
      }
    }
    for (Scored challenger : after.predictions()) {
      String baselineRoute = baselineRouteOf(challenger.route());
      if (baselineRoute == null) {
        continue;
      }
      for (Scored baseline : after.predictions()) {
        if (!baseline.route().equals(baselineRoute)) {
          continue;
        }
        Pair p0 = Pair.of(baseline, was.get(baseline), challenger, was.get(challenger));
        Pair p1 = Pair.of(baseline, now.get(baseline), challenger, now.get(challenger));
        if (!p0.equals(p1)) {
          for (ReportKey key : ReportKey.of(challenger, settings.window())) {
            deltas.add(ReportDelta.pair(key, baseline.version(), p0, p1));
          }
        }
      }
    }
    return deltas;
  }

  /**
   * The route of the predictions a challenger route is compared with on the same event: a shadow
   * with the active version's predictions (ACTIVE), a canary with the active version's scoring of
   * the same canary events (BASELINE); null for a route that is no challenger.
   */
  static String baselineRouteOf(String challengerRoute) {
    if (challengerRoute.equals(Route.SHADOW.name())) {
      return Route.ACTIVE.name();
    }
    if (challengerRoute.equals(Route.CANARY.name())) {
      return Route.BASELINE.name();
    }
    return null;
  }

  /** Drops the events whose time is over; their labels without a prediction are unmatched. */
  private void expire() {
    long retention = settings.retention().toMillis();
    if (streamTime == Long.MIN_VALUE || streamTime - retention <= 0) {
      return;
    }
    long lastExpired = streamTime - retention - 1;
    if (earliestExpiry != null && lastExpired < earliestExpiry) {
      return;
    }
    // "<time>0" sorts after every "<time>/<id>" and before every later time's keys
    String last = padded(lastExpired) + "0";
    for (String indexKey : store.expiriesUpTo(last)) {
      String eventId = indexKey.substring(indexKey.indexOf('/') + 1);
      EventState state = store.event(eventId);
      if (state != null) {
        if (state.predictions().isEmpty()) {
          metrics.labelsUnmatched(state.labels().size());
        }
        store.deleteEvent(eventId);
      }
      store.deleteExpiry(indexKey);
    }
    String first = store.firstExpiry();
    earliestExpiry =
        first == null ? Long.MAX_VALUE : Long.parseLong(first.substring(0, first.indexOf('/')));
  }

  /** Index key: the time the event is last needed, zero-padded so keys sort by it, and its id. */
  private static String expiryKey(EventState state, String eventId) {
    return padded(expiryTime(state)) + "/" + eventId;
  }

  private static long expiryTime(EventState state) {
    return Math.max(0, state.lastTime());
  }

  /** {@code n >= 0} in 19 digits, zero-padded: {@code String.format} is costly per record. */
  private static String padded(long n) {
    String digits = Long.toString(n);
    return "0".repeat(19 - digits.length()) + digits;
  }
}
