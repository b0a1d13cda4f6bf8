package org.mniststream.benchmarks;

import org.mniststream.model.EngineTuning;

/** The product's start-up tuning as the benchmarks apply it: one JMH thread calls inference. */
final class ProductTuning {
  private ProductTuning() {}

  static void apply() {
    EngineTuning.apply();
  }
}
