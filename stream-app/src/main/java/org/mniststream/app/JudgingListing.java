package org.mniststream.app;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.app.judge.PolicyFile;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.RolloutStage;
import org.mniststream.topics.TopicReader;

/**
 * What {@code models} shows of live quality and judged rollouts: the current stage, each version's
 * {@code all}-window quality per route with its paired comparisons, and the judge's decisions.
 *
 * @param qualityTopic the quality topic's name; {@code qualityTopicExists} whether it exists
 * @param reports the model's {@code all}-window reports, the latest per key, by version then route
 * @param decisions the model's decisions, each once (by decision id), oldest first
 * @param undecodable records of the model on either topic that could not be decoded
 */
record JudgingListing(
    String qualityTopic,
    boolean qualityTopicExists,
    List<QualityReport> reports,
    String decisionsTopic,
    boolean decisionsTopicExists,
    List<JudgeDecision> decisions,
    int undecodable) {

  private static final List<String> ROUTE_ORDER = List.of("ACTIVE", "CANARY", "SHADOW", "BASELINE");

  /** Reads the model's records of the quality and decisions topics to their current end. */
  static JudgingListing read(
      KafkaConsumer<byte[], byte[]> consumer,
      String qualityTopic,
      String decisionsTopic,
      String modelName,
      Duration timeout)
      throws Exception {
    Set<String> existing = consumer.listTopics(timeout).keySet();
    Map<String, QualityReport> latest = new LinkedHashMap<>();
    Map<String, JudgeDecision> decisions = new LinkedHashMap<>();
    int undecodable = 0;
    String qualityPrefix = modelName + "/";
    for (ConsumerRecord<byte[], byte[]> r :
        TopicReader.readAll(consumer, List.of(qualityTopic, decisionsTopic), timeout)) {
      String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
      try {
        if (r.topic().equals(qualityTopic)) {
          if (!key.startsWith(qualityPrefix) || !key.endsWith("/all")) {
            continue;
          }
          if (r.value() == null) {
            latest.remove(key);
            continue;
          }
          QualityReport report = ContractSerdes.qualityReport().decode(r.value());
          latest.remove(key);
          if (report.getModelName().equals(modelName) && report.getWindow().equals("all")) {
            latest.put(key, report);
          }
        } else if (key.equals(modelName) && r.value() != null) {
          JudgeDecision d = ContractSerdes.judgeDecision().decode(r.value());
          // a redelivered decision carries the same id: shown once
          decisions.putIfAbsent(d.getDecisionId(), d);
        }
      } catch (AvroDecodingException e) {
        undecodable++;
      }
    }
    List<QualityReport> reports = new ArrayList<>(latest.values());
    reports.sort(
        Comparator.comparingLong(QualityReport::getModelVersion)
            .thenComparingInt(q -> routeRank(q.getRoute()))
            .thenComparing(QualityReport::getRoute));
    List<JudgeDecision> ordered = new ArrayList<>(decisions.values());
    ordered.sort(Comparator.comparing(JudgeDecision::getDecidedAt)); // stable: topic order on ties
    return new JudgingListing(
        qualityTopic,
        existing.contains(qualityTopic),
        List.copyOf(reports),
        decisionsTopic,
        existing.contains(decisionsTopic),
        List.copyOf(ordered),
        undecodable);
  }

  private static int routeRank(String route) {
    int i = ROUTE_ORDER.indexOf(route);
    return i < 0 ? ROUTE_ORDER.size() : i;
  }

  /** The current stage of a judged rollout, or one line saying that none is judged. */
  static void printStage(PrintWriter out, ModelRollout rollout, Instant now) {
    if (!JudgedRollouts.isJudged(rollout)) {
      out.println(
          "Judged rollout: none"
              + (rollout != null && rollout.getPolicy() != null
                  ? " (the rollout carries a policy the judge cannot follow)"
                  : "")
              + ".");
      return;
    }
    int stage = rollout.getStage();
    RolloutStage s = rollout.getPolicy().getStages().get(stage);
    Instant since = rollout.getStageStartedAt();
    out.printf(
        Locale.ROOT,
        "Judged rollout: v%d against baseline v%d, stage %d of %d: %s, since %s%s; paired %s%n",
        rollout.getCandidateVersion(),
        rollout.getBaselineVersion(),
        stage,
        rollout.getPolicy().getStages().size(),
        PolicyFile.describe(s),
        since == null ? "?" : since,
        since == null || since.isAfter(now)
            ? ""
            : " (" + ago(Duration.between(since, now)) + " ago)",
        rollout.getPairedPercent() == null
            ? "as the app's canary.paired-percent"
            : rollout.getPairedPercent() + "%");
    out.println("Policy: " + PolicyFile.describe(rollout.getPolicy()));
  }

  /** {@code 45s}, {@code 12m}, {@code 3h05m}, {@code 2d04h}: precise enough to read at a glance. */
  static String ago(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m";
    }
    if (s < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, s % 86_400 / 3600);
  }

  /** Each version's quality per route, since it started, with its paired comparisons. */
  void printQuality(PrintWriter out, String modelName) {
    if (!qualityTopicExists) {
      out.println(
          "Live quality: "
              + qualityTopic
              + " does not exist (topics --create makes it; run with quality.enabled=true).");
      return;
    }
    if (reports.isEmpty()) {
      out.println(
          "Live quality: nothing for "
              + modelName
              + " on "
              + qualityTopic
              + " yet (run with quality.enabled=true and send labels).");
      return;
    }
    out.println("Live quality on " + qualityTopic + " (since each version started):");
    out.printf(
        Locale.ROOT,
        "%-8s %-9s %9s %-27s %10s %8s %7s %7s%n",
        "VERSION",
        "ROUTE",
        "LABELLED",
        "ACCURACY [95 %]",
        "MEAN_CONF",
        "CAL_ERR",
        "P50_MS",
        "P99_MS");
    for (QualityReport q : reports) {
      out.printf(
          Locale.ROOT,
          "%-8s %-9s %,9d %-27s %10s %8s %7d %7d%n",
          "v" + q.getModelVersion(),
          q.getRoute(),
          q.getLabelled(),
          q.getLabelled() == 0
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%.2f %% [%.2f, %.2f]",
                  q.getAccuracy() * 100,
                  q.getAccuracyLow() * 100,
                  q.getAccuracyHigh() * 100),
          q.getLabelled() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", q.getMeanConfidence()),
          q.getLabelled() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", q.getCalibrationError()),
          q.getLatencyP50Ms(),
          q.getLatencyP99Ms());
      for (PairedComparison c : q.getComparisons()) {
        out.println("  " + comparison(q, c));
      }
    }
  }

  /**
   * {@code v2 (SHADOW) vs v1 (ACTIVE) on 4,311 same events: +0.12 pts [-0.10, +0.34], McNemar
   * p=0.41}.
   */
  static String comparison(QualityReport q, PairedComparison c) {
    return String.format(
        Locale.ROOT,
        "v%d (%s) vs v%d (%s) on %,d same events: %+.2f pts [%+.2f, %+.2f], McNemar p=%s"
            + " (only v%d right: %,d, only v%d right: %,d)",
        q.getModelVersion(),
        q.getRoute(),
        c.getBaselineVersion(),
        c.getBaselineRoute(),
        c.getPairs(),
        c.getDifference() * 100,
        c.getDifferenceLow() * 100,
        c.getDifferenceHigh() * 100,
        pValue(c.getPValue()),
        q.getModelVersion(),
        c.getChallengerOnlyCorrect(),
        c.getBaselineVersion(),
        c.getBaselineOnlyCorrect());
  }

  static String pValue(double p) {
    return p >= 0.01
        ? String.format(Locale.ROOT, "%.2f", p)
        : String.format(Locale.ROOT, "%.1e", p);
  }

  /** Every decision of the judge for the model, oldest first. */
  void printDecisions(PrintWriter out, String modelName) {
    if (!decisionsTopicExists) {
      out.println(
          "Decisions: "
              + decisionsTopic
              + " does not exist (topics --create makes it; the judge writes it).");
      return;
    }
    if (decisions.isEmpty()) {
      out.println("Decisions: none for " + modelName + " on " + decisionsTopic + ".");
      return;
    }
    out.println("Decisions on " + decisionsTopic + " (oldest first):");
    out.printf(
        Locale.ROOT,
        "%-24s %-9s %-12s %-21s %-13s %s%n",
        "DECIDED_AT",
        "CANDIDATE",
        "STAGE",
        "ACTION",
        "RULE",
        "REASON");
    for (JudgeDecision d : decisions) {
      out.printf(
          Locale.ROOT,
          "%-24s %-9s %-12s %-21s %-13s %s%n",
          d.getDecidedAt(),
          "v" + d.getCandidateVersion(),
          d.getStageName(),
          d.getAction() + (d.getNextStageName() == null ? "" : " to " + d.getNextStageName()),
          d.getRule(),
          d.getReason());
    }
  }

  /** One line when records of the model could not be decoded; nothing otherwise. */
  void printUndecodable(PrintWriter out) {
    if (undecodable > 0) {
      out.println(
          undecodable
              + " undecodable record(s) on "
              + qualityTopic
              + " or "
              + decisionsTopic
              + " skipped.");
    }
  }
}
