package org.mniststream.app.quality;

import static org.mniststream.app.quality.QualityRecords.HOUR;
import static org.mniststream.app.quality.QualityRecords.label;
import static org.mniststream.app.quality.QualityRecords.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.mniststream.schemas.Route;

/**
 * A seeded mix of what live traffic brings: active, canary and shadow predictions over three hours,
 * two thirds of the canary's events scored by the active version too (BASELINE); labels inline,
 * before and after their prediction, repeated, conflicting, too late, and for events never
 * predicted.
 */
final class QualityScenario {
  private QualityScenario() {}

  static List<SpecificRecord> inputs(long seed, int events) {
    Random random = new Random(seed);
    Random pairing = new Random(seed + 1); // apart, so the rest of the scenario stays as it was
    List<SpecificRecord> out = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      String id = "event-" + i;
      long at = (long) i * 3 * HOUR / events;
      int truth = random.nextInt(10);
      boolean canary = random.nextInt(10) == 0;
      Integer inline = random.nextInt(5) == 0 ? truth : null;
      List<SpecificRecord> records = new ArrayList<>();
      records.add(
          prediction(
              id,
              canary ? 3 : 1,
              canary ? Route.CANARY : Route.ACTIVE,
              guess(random, truth, 0.85),
              0.5f + random.nextInt(50) / 100f,
              at,
              inline));
      if (canary && pairing.nextInt(3) > 0) { // the active version scoring a canary event too
        records.add(
            prediction(
                id,
                1,
                Route.BASELINE,
                guess(pairing, truth, 0.85),
                0.5f + pairing.nextInt(50) / 100f,
                at,
                inline));
      }
      if (random.nextInt(3) > 0) {
        records.add(
            prediction(
                id,
                2,
                Route.SHADOW,
                guess(random, truth, 0.9),
                0.6f + random.nextInt(40) / 100f,
                at,
                inline));
      }
      int kind = random.nextInt(10);
      if (kind < 6) {
        records.add(label(id, truth, "review", at + random.nextInt(5) * HOUR));
      } else if (kind == 6) {
        records.add(0, label(id, truth, "early", at - HOUR)); // before its prediction
      } else if (kind == 7) {
        records.add(label(id, truth, "review", at + 60_000));
        records.add(label(id, truth, "batch", at + 2 * HOUR)); // a duplicate
      } else if (kind == 8) {
        records.add(label(id, (truth + 1) % 10, "review", at + 60_000));
        records.add(label(id, truth, "batch", at + 2 * HOUR)); // a conflict; the latest wins
      } else {
        records.add(label(id, truth, "late", at + 30 * HOUR)); // beyond the 24 h lateness
      }
      out.addAll(records);
      if (random.nextInt(20) == 0) {
        out.add(label("never-predicted-" + i, truth, "review", at));
      }
    }
    return out;
  }

  private static int guess(Random random, int truth, double accuracy) {
    return random.nextDouble() < accuracy ? truth : (truth + 1 + random.nextInt(9)) % 10;
  }
}
