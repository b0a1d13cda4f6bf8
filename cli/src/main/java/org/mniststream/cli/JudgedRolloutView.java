package org.mniststream.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.TopicNames;
import org.mniststream.topics.TopicReader;

/**
 * What the judge did in a run, read back from the topics (read_committed, to the ends of the
 * moment): its decisions, and each challenger's {@code all} quality report with its paired
 * comparison, so the demo can print two versions on the same labelled events.
 *
 * @param reports the latest {@code all} report per {@code <version>/<route>}
 */
record JudgedRolloutView(List<JudgeDecision> decisions, Map<String, QualityReport> reports) {

  static JudgedRolloutView read(Properties clientProps, TopicNames topics, Duration timeout)
      throws TimeoutException {
    List<JudgeDecision> decisions = new ArrayList<>();
    Map<String, QualityReport> reports = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(clientProps, "mnist-demo-judge"))) {
      TopicReader.assignFromBeginning(
          consumer, List.of(topics.decisions(), topics.quality()), timeout);
      TopicReader.readToEnd(
          consumer,
          timeout,
          r -> {
            if (r.value() == null) {
              return;
            }
            if (r.topic().equals(topics.decisions())) {
              decisions.add(ContractSerdes.judgeDecision().decode(r.value()));
            } else {
              QualityReport q = ContractSerdes.qualityReport().decode(r.value());
              if ("all".equals(q.getWindow())) {
                reports.put(q.getModelVersion() + "/" + q.getRoute(), q);
              }
            }
          });
    }
    return new JudgedRolloutView(List.copyOf(decisions), Map.copyOf(reports));
  }

  /** The last decision about {@code candidate}, if the judge made one. */
  Optional<JudgeDecision> lastDecisionOn(long candidate) {
    JudgeDecision last = null;
    for (JudgeDecision d : decisions) {
      if (d.getCandidateVersion() == candidate) {
        last = d;
      }
    }
    return Optional.ofNullable(last);
  }

  /** Whether the judge has finished with {@code candidate}: rolled back, held, or made active. */
  boolean finished(long candidate) {
    return lastDecisionOn(candidate)
        .map(d -> !"PROMOTE".equals(d.getAction()) || "active".equals(d.getNextStageName()))
        .orElse(false);
  }

  /** Whether the judge made {@code candidate} active. */
  boolean promotedToActive(long candidate) {
    return lastDecisionOn(candidate)
        .map(
            d ->
                "PROMOTE".equals(d.getAction()) && d.getNextStage() == null
                    || "active".equals(d.getNextStageName()))
        .orElse(false);
  }

  void print(PrintStream out) {
    out.println();
    out.println("=== judged rollouts (quality on labelled events, the judge's decisions) ===");
    boolean any = false;
    for (QualityReport r : reports.values()) {
      for (PairedComparison c : r.getComparisons()) {
        any = true;
        // on the pairs: the challenger's correct = baseline's correct + (c - b)
        long pairs = c.getPairs();
        String same =
            pairs == r.getLabelled() && pairs > 0
                ? String.format(
                    Locale.ROOT,
                    "v%d %.2f%% and v%d %.2f%%",
                    c.getBaselineVersion(),
                    100.0
                        * (r.getCorrect()
                            - (c.getChallengerOnlyCorrect() - c.getBaselineOnlyCorrect()))
                        / pairs,
                    r.getModelVersion(),
                    100.0 * r.getCorrect() / pairs)
                : String.format(
                    Locale.ROOT, "v%d vs v%d", r.getModelVersion(), c.getBaselineVersion());
        out.printf(
            Locale.ROOT,
            "same events        %s on the same %,d labelled events (v%d as %s): %+.2f pts"
                + " [%+.2f, %+.2f], McNemar p=%.3g%n",
            same,
            pairs,
            r.getModelVersion(),
            r.getRoute(),
            100 * c.getDifference(),
            100 * c.getDifferenceLow(),
            100 * c.getDifferenceHigh(),
            c.getPValue());
      }
    }
    if (!any) {
      out.println("same events        none yet (no challenger scored labelled events)");
    }
    if (decisions.isEmpty()) {
      out.println("judge              no decision yet");
    }
    for (JudgeDecision d : decisions) {
      out.printf(
          Locale.ROOT,
          "judge %s  %-8s %s (%s)%n",
          d.getDecidedAt(),
          d.getAction(),
          d.getReason(),
          d.getRule());
    }
  }
}
