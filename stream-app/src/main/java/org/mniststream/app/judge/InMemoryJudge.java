package org.mniststream.app.judge;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.QualityReport;

/**
 * The judge's engine over a map instead of a Kafka Streams store: for replays of recorded quality
 * topics and for simulations (the judge's false-rollback benchmark). The same code as the judge
 * topology's processor, so what it decides is what the judge decides on the same records.
 */
public final class InMemoryJudge {
  private final Map<String, JudgeState> states = new HashMap<>();
  private final JudgeEngine engine =
      new JudgeEngine(JudgeEngine.Store.of(states::get, states::put));

  /** A decision and the rollout it publishes. */
  public record Decision(JudgeDecision decision, ModelRollout rollout) {}

  /** A record of the rollouts topic; null for a tombstone. */
  public void onRollout(String modelName, ModelRollout rollout) {
    engine.onRollout(modelName, rollout);
  }

  /** A record of the quality topic with its timestamp; the decision it makes, if any. */
  public Optional<Decision> onQuality(QualityReport report, long timestamp) {
    return engine.onQuality(report, timestamp).map(o -> new Decision(o.decision(), o.rollout()));
  }
}
