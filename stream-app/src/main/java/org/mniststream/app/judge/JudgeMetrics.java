package org.mniststream.app.judge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.mniststream.schemas.DeadLetterReason;

/**
 * The judge's meters: {@code mnist.judge.decisions{action,rule}} (decisions published) and {@code
 * mnist.judge.inputs.invalid{reason}} (quality or rollout records it could not read,
 * dead-lettered).
 */
public final class JudgeMetrics {
  static final String DECISIONS = "mnist.judge.decisions";
  static final String INVALID = "mnist.judge.inputs.invalid";

  private final MeterRegistry registry;

  public JudgeMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public static JudgeMetrics discarding() {
    return new JudgeMetrics(new SimpleMeterRegistry());
  }

  void decision(String action, String rule) {
    Counter.builder(DECISIONS)
        .description("Decisions of the rollout judge, by action and rule")
        .tag("action", action)
        .tag("rule", rule)
        .register(registry)
        .increment();
  }

  void invalid(DeadLetterReason reason) {
    Counter.builder(INVALID)
        .description("Quality and rollout records the judge dead-lettered, by reason")
        .tag("reason", reason.name())
        .register(registry)
        .increment();
  }
}
