package org.mniststream.app.models;

import java.util.List;
import org.mniststream.model.LoadedModel;

/**
 * One batch's hold on the models of a {@link Routing}: each was {@code tryAcquire()}d, and {@link
 * #close()} releases each once, so a model retired by a swap is freed when its last batch ends.
 */
public final class ModelLease implements AutoCloseable {
  private final Routing routing;
  private final List<LoadedModel> held;
  private boolean closed;

  ModelLease(Routing routing, List<LoadedModel> held) {
    this.routing = routing;
    this.held = List.copyOf(held);
  }

  public Routing routing() {
    return routing;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      held.forEach(LoadedModel::release);
    }
  }
}
