package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mniststream.app.JudgingRecords.comparison;
import static org.mniststream.app.JudgingRecords.decision;
import static org.mniststream.app.JudgingRecords.qualityKey;
import static org.mniststream.app.JudgingRecords.report;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.app.judge.JudgedRollouts;
import org.mniststream.app.judge.RolloutPolicies;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.QualityReport;
import org.mniststream.testing.KafkaFixture;

/**
 * {@code rollout --auto} and the judging part of {@code models} on a real broker: the records
 * published, the refusals, and what {@code models} makes of records on the quality and decisions
 * topics.
 */
class JudgedRolloutCliIT {
  private static final String MODEL = TestModelRecords.NAME;

  private KafkaIt kafka;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void twoVersions() throws Exception {
    kafka = new KafkaIt(KafkaFixture.shared(), 1);
    kafka.send(kafka.topics.models(), TestModelRecords.key(1), TestModelRecords.mlp(1));
    kafka.send(kafka.topics.models(), TestModelRecords.key(2), TestModelRecords.mlp(2));
  }

  @Test
  void shouldStartAJudgedRolloutAgainstTheActiveVersionAndRefuseWhatCannotStart(@TempDir Path dir)
      throws Exception {
    // Given no rollout, the newest version (v2) is active: it cannot be judged against itself
    assertThat(cli("rollout", "--auto", "2")).isEqualTo(StreamAppCli.REFUSED);
    assertThat(err.toString().lines())
        .containsExactly(
            "Refused: v2 is the active version of mnist (the baseline): nothing to judge it"
                + " against; it serves because it is the newest and nothing is pinned: pin the"
                + " version you trust (rollout --pin N) before publishing a candidate, then"
                + " rollout --auto");
    assertThat(cli("rollout", "--auto", "9")).isEqualTo(StreamAppCli.REFUSED);
    assertThat(err.toString().lines()).singleElement().asString().contains("version 9 of mnist");

    // When v1 is pinned and v2 handed to the judge
    assertThat(cli("rollout", "--pin", "1")).isEqualTo(StreamAppCli.OK);
    assertThat(
            cli(
                "rollout",
                "--auto",
                "2",
                "--paired-percent",
                "50",
                "--issued-by",
                "ops",
                "--reason",
                "new cnn"))
        .isEqualTo(StreamAppCli.OK);

    // Then the record is stage 0 of the default policy, v2 in shadow against v1
    ModelRollout started = lastRollout();
    assertThat(JudgedRollouts.isJudged(started)).isTrue();
    assertThat(started.getPolicy()).isEqualTo(RolloutPolicies.defaultPolicy());
    assertThat(started.getCandidateVersion()).isEqualTo(2L);
    assertThat(started.getBaselineVersion()).isEqualTo(1L);
    assertThat(started.getStage()).isZero();
    assertThat(started.getStageStartedAt()).isEqualTo(started.getIssuedAt());
    assertThat(started.getPairedPercent()).isEqualTo(50);
    assertThat(started.getActiveVersion()).isEqualTo(1L);
    assertThat(started.getShadowVersion()).isEqualTo(2L);
    assertThat(started.getCanaryVersion()).isNull();
    assertThat(started.getIssuedBy()).isEqualTo("ops");
    assertThat(started.getReason()).isEqualTo("new cnn");
    assertThat(out.toString())
        .contains("Judging v2 against v1: stage 0 shadow (SHADOW), paired 50%")
        .contains("Policy (the default policy): shadow(SHADOW, 1000 pairs, 30m) > canary-10");

    // A second candidate must wait until the judged rollout is ended by hand
    kafka.send(kafka.topics.models(), TestModelRecords.key(3), TestModelRecords.mlp(3));
    assertThat(cli("rollout", "--auto", "3")).isEqualTo(StreamAppCli.REFUSED);
    assertThat(err.toString().lines())
        .containsExactly(
            "Refused: v2 of mnist is being judged (stage 0, against v1); end that rollout with a"
                + " manual one first (e.g. rollout --pin 1)");
    assertThat(lastRollout()).isEqualTo(started);

    assertThat(cli("rollout", "--clear-shadow")).isEqualTo(StreamAppCli.OK);
    ModelRollout manual = lastRollout();
    assertThat(manual.getPolicy()).isNull();
    assertThat(JudgedRollouts.isJudged(manual)).isFalse();
    assertThat(manual.getActiveVersion()).isEqualTo(1L);

    // A policy from a file, canary first
    Path policy = dir.resolve("canary.json");
    Files.writeString(
        policy,
        "{\"stages\": [{\"name\": \"canary-5\", \"route\": \"CANARY\", \"percent\": 5},"
            + " {\"name\": \"active\", \"route\": \"ACTIVE\"}], \"alpha\": 0.1}");
    assertThat(cli("rollout", "--auto", "3", "--policy", policy.toString()))
        .isEqualTo(StreamAppCli.OK);
    ModelRollout canary = lastRollout();
    assertThat(canary.getCandidateVersion()).isEqualTo(3L);
    assertThat(canary.getBaselineVersion()).isEqualTo(1L);
    assertThat(canary.getActiveVersion()).isEqualTo(1L);
    assertThat(canary.getCanaryVersion()).isEqualTo(3L);
    assertThat(canary.getCanaryPercent()).isEqualTo(5);
    assertThat(canary.getShadowVersion()).isNull();
    assertThat(canary.getPairedPercent()).isNull();
    assertThat(canary.getPolicy().getAlpha()).isEqualTo(0.1);
    assertThat(canary.getPolicy().getStages().get(0).getMinLabelled()).isEqualTo(500);
  }

  @Test
  void shouldShowTheStageTheQualityAndTheDecisionsInModels() throws Exception {
    assertThat(cli("models")).isEqualTo(StreamAppCli.OK);
    assertThat(out.toString())
        .contains("Serving: active v2, canary none, shadow -")
        .contains("Judged rollout: none.")
        .contains("Live quality: nothing for mnist on " + kafka.topics.quality() + " yet")
        .contains("Decisions: none for mnist on " + kafka.topics.decisions() + ".");
    String missing = "it-missing-" + kafka.runId;
    assertThat(
            cli(
                Map.of("topics.quality", missing + ".quality", "topics.decisions", missing),
                "models"))
        .isEqualTo(StreamAppCli.OK);
    assertThat(out.toString())
        .contains("Live quality: " + missing + ".quality does not exist")
        .contains("Decisions: " + missing + " does not exist");

    assertThat(cli("rollout", "--pin", "1")).isEqualTo(StreamAppCli.OK);
    assertThat(cli("rollout", "--auto", "2")).isEqualTo(StreamAppCli.OK);
    String q = kafka.topics.quality();
    QualityReport v1 = report(MODEL, 1, "ACTIVE", 12_000, 0.97, 0.967, 0.973, List.of());
    QualityReport v2Early = report(MODEL, 2, "SHADOW", 10, 0.5, 0.2, 0.8, List.of());
    QualityReport v2 =
        report(
            MODEL,
            2,
            "SHADOW",
            4311,
            0.9712,
            0.966,
            0.9756,
            List.of(comparison(1, 4311, 20, 25, 0.41, 0.0012, -0.001, 0.0034)));
    sendQuality(q, qualityKey(MODEL, 1, "ACTIVE", "all"), v1);
    sendQuality(q, qualityKey(MODEL, 2, "SHADOW", "all"), v2Early);
    sendQuality(q, qualityKey(MODEL, 2, "SHADOW", "all"), v2); // the latest per key wins
    QualityReport hourly = report(MODEL, 2, "SHADOW", 77, 0.5, 0.4, 0.6, List.of());
    hourly.setWindow("PT1H");
    sendQuality(q, qualityKey(MODEL, 2, "SHADOW", "PT1H@2026-11-30T10:00:00Z"), hourly);
    QualityReport other = report("other", 2, "SHADOW", 99, 0.1, 0.0, 0.2, List.of());
    sendQuality(q, qualityKey("other", 2, "SHADOW", "all"), other);
    JudgeDecision promoted =
        decision(MODEL, 2, 0, "shadow", "PROMOTE", "canary-10", "not-worse", 5);
    JudgeDecision rolledBack = decision(MODEL, 2, 1, "canary-10", "ROLLBACK", null, "worse", 9);
    sendDecision(rolledBack);
    sendDecision(promoted);
    sendDecision(promoted); // a redelivery: shown once

    assertThat(cli("models")).isEqualTo(StreamAppCli.OK);

    String printed = out.toString();
    assertThat(printed)
        .contains("Serving: active v1, canary none, shadow v2")
        .contains("Judged rollout: v2 against baseline v1, stage 0 of 4: shadow(SHADOW, 1000 pairs")
        .contains("Policy: shadow(SHADOW, 1000 pairs, 30m) > canary-10")
        .doesNotContain("undecodable");
    assertThat(printed.lines().filter(l -> l.startsWith("v1 ") || l.startsWith("v2 ")).toList())
        .containsExactly(
            "v1       ACTIVE       12,000 97.00 % [96.70, 97.30]           0.962    0.011      12"
                + "      80",
            "v2       SHADOW        4,311 97.12 % [96.60, 97.56]           0.962    0.011      12"
                + "      80");
    assertThat(printed)
        .contains(
            "  v2 (SHADOW) vs v1 (ACTIVE) on 4,311 same events: +0.12 pts [-0.10, +0.34],"
                + " McNemar p=0.41");
    assertThat(printed.lines().filter(l -> l.startsWith("2026-")).toList())
        .containsExactly(
            "2026-11-30T10:05:00Z     v2        shadow       PROMOTE to canary-10  not-worse    "
                + " not-worse after 5 min",
            "2026-11-30T10:09:00Z     v2        canary-10    ROLLBACK              worse        "
                + " worse after 9 min");
  }

  private void sendQuality(String topic, String key, QualityReport report) throws Exception {
    kafka.send(
        topic, key.getBytes(StandardCharsets.UTF_8), ContractSerdes.qualityReport().encode(report));
  }

  private void sendDecision(JudgeDecision d) throws Exception {
    kafka.send(
        kafka.topics.decisions(),
        MODEL.getBytes(StandardCharsets.UTF_8),
        ContractSerdes.judgeDecision().encode(d));
  }

  private ModelRollout lastRollout() throws Exception {
    List<ModelRollout> rollouts =
        kafka.readCommitted(kafka.topics.rollouts(), ContractSerdes.modelRollout());
    return rollouts.get(rollouts.size() - 1);
  }

  private int cli(String... args) {
    return cli(Map.of(), args);
  }

  /** Runs the CLI on this run's topics, {@code overrides} on top of them. */
  private int cli(Map<String, String> overrides, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    List<String> all = new ArrayList<>(List.of(args));
    kafka
        .appConfig(Path.of("unused"))
        .forEach(
            (k, v) -> {
              all.add("-D");
              all.add(k + "=" + v);
            });
    overrides.forEach(
        (k, v) -> {
          all.add("-D");
          all.add(k + "=" + v);
        });
    return StreamAppCli.execute(
        Map.of(),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        all.toArray(String[]::new));
  }
}
