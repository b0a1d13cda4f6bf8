package org.mniststream.app.models;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.mniststream.model.LoadedModel;
import org.mniststream.schemas.Route;

/**
 * An immutable snapshot of who serves: the loaded models of a {@link RoutingPlan}. A batch reads
 * one snapshot and uses it from start to end (through a {@link ModelLease}), so a swap never
 * changes models in the middle of a batch.
 *
 * @param active null only before any version could be loaded
 * @param since when these routes started serving
 */
public record Routing(
    String modelName,
    LoadedModel active,
    LoadedModel canary,
    int canaryPercent,
    LoadedModel shadow,
    RoutingPlan plan,
    Instant since) {

  static Routing none(String modelName) {
    return new Routing(modelName, null, null, 0, null, null, null);
  }

  public boolean canServe() {
    return active != null;
  }

  /** ACTIVE or CANARY for this key (never SHADOW: the shadow sees every key besides). */
  public Route routeOf(byte[] key) {
    return canary != null && CanarySplit.isCanary(key, canaryPercent) ? Route.CANARY : Route.ACTIVE;
  }

  /**
   * Whether the active version also scores this canary event, as a BASELINE prediction, so that the
   * canary is compared with it on the same event ({@link RoutingPlan#pairedPercent}).
   */
  public boolean isPaired(String eventId) {
    return canary != null && plan != null && CanarySplit.isPaired(eventId, plan.pairedPercent());
  }

  /** The model of a route; BASELINE is the active version scoring a canary's event too. */
  public LoadedModel model(Route route) {
    return switch (route) {
      case ACTIVE, BASELINE -> active;
      case CANARY -> canary;
      case SHADOW -> shadow;
    };
  }

  /** The distinct models of this snapshot. */
  List<LoadedModel> models() {
    List<LoadedModel> models = new ArrayList<>(3);
    for (LoadedModel m : new LoadedModel[] {active, canary, shadow}) {
      if (m != null && models.stream().noneMatch(x -> x == m)) {
        models.add(m);
      }
    }
    return models;
  }
}
