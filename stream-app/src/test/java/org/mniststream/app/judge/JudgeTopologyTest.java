package org.mniststream.app.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.CalibrationBin;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.PairedComparison;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.TopicNames;

/** The judge's topology on a TopologyTestDriver: its rules, its stages, its replays. */
class JudgeTopologyTest {
  static final String MODEL = "mnist-cnn";
  static final TopicNames TOPICS = TopicNames.DEFAULTS;
  static final long T0 = Instant.parse("2026-11-30T12:00:00Z").toEpochMilli();

  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> quality;
  private TestInputTopic<byte[], byte[]> rollouts;
  private TestOutputTopic<byte[], byte[]> decisions;
  private TestOutputTopic<byte[], byte[]> published;

  @BeforeEach
  void start() {
    open();
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void open() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "judge-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver =
        new TopologyTestDriver(
            JudgeTopology.build(
                TOPICS,
                Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC),
                JudgeMetrics.discarding()),
            p);
    ByteArraySerializer s = new ByteArraySerializer();
    ByteArrayDeserializer d = new ByteArrayDeserializer();
    quality = driver.createInputTopic(TOPICS.quality(), s, s);
    rollouts = driver.createInputTopic(TOPICS.rollouts(), s, s);
    decisions = driver.createOutputTopic(TOPICS.decisions(), d, d);
    published = driver.createOutputTopic(TOPICS.rollouts(), d, d);
  }

  static RolloutPolicy policy(long minLabelled, long timeoutMs, String onTimeout) {
    return RolloutPolicy.newBuilder()
        .setStages(
            List.of(
                RolloutPolicies.stage("shadow", "SHADOW", 0, minLabelled, timeoutMs),
                RolloutPolicies.stage("canary-10", "CANARY", 10, minLabelled, timeoutMs),
                RolloutPolicies.stage("canary-50", "CANARY", 50, minLabelled, timeoutMs),
                RolloutPolicies.stage("active", "ACTIVE", 100, 0, 0)))
        .setMaxAccuracyDrop(0.01)
        .setAlpha(0.05)
        .setMaxP99IncreaseMs(null)
        .setOnTimeout(onTimeout)
        .build();
  }

  /** {@code rollout --auto 2} against active version 1. */
  static ModelRollout auto(RolloutPolicy policy) {
    return JudgedRollouts.forStage(
        MODEL, policy, 2, 1, 0, Instant.ofEpochMilli(T0), null, "ops", "auto rollout of v2");
  }

  /**
   * The candidate's 'all' report on a route: n labelled, all paired with v1; b and c discordant.
   */
  static QualityReport report(long version, String route, long n, long b, long c, long p99) {
    List<Long> confusion = new ArrayList<>(Collections.nCopies(100, 0L));
    List<CalibrationBin> bins = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      bins.add(new CalibrationBin(0L, 0L, 0L));
    }
    List<PairedComparison> pairs =
        version == 1
            ? List.of()
            : List.of(
                new PairedComparison(
                    1L,
                    route.equals("SHADOW") ? "ACTIVE" : "BASELINE",
                    n,
                    b,
                    c,
                    1.0,
                    0.0,
                    0.0,
                    0.0));
    return QualityReport.newBuilder()
        .setModelName(MODEL)
        .setModelVersion(version)
        .setRoute(route)
        .setWindow("all")
        .setLabelled(n)
        .setCorrect(n - b)
        .setAccuracy(0)
        .setAccuracyLow(0)
        .setAccuracyHigh(0)
        .setConfusion(confusion)
        .setConfidenceMicrosSum(0)
        .setMeanConfidence(0)
        .setCalibration(bins)
        .setCalibrationError(0)
        .setLatencyHistogram(ByteBuffer.allocate(0))
        .setLatencyP50Ms(p99 / 2)
        .setLatencyP99Ms(p99)
        .setDuplicateLabels(0)
        .setConflictingLabels(0)
        .setLateLabels(0)
        .setComparisons(pairs)
        .build();
  }

  private void pipe(QualityReport r, long at) {
    String key =
        TopicNames.modelKey(r.getModelName(), r.getModelVersion()) + "/" + r.getRoute() + "/all";
    quality.pipeInput(
        key.getBytes(StandardCharsets.UTF_8), ContractSerdes.qualityReport().encode(r), at);
  }

  private void pipe(ModelRollout r) {
    rollouts.pipeInput(
        r.getModelName().getBytes(StandardCharsets.UTF_8),
        ContractSerdes.modelRollout().encode(r),
        r.getIssuedAt().toEpochMilli());
  }

  private List<JudgeDecision> decisions() {
    return decisions.readValuesToList().stream()
        .map(v -> ContractSerdes.judgeDecision().decode(v))
        .toList();
  }

  private List<ModelRollout> rollouts() {
    return published.readValuesToList().stream()
        .map(v -> ContractSerdes.modelRollout().decode(v))
        .toList();
  }

  @Test
  void shouldPromoteThroughEveryStageACandidateAsGoodAsTheBaseline() {
    pipe(auto(policy(500, 600_000, "ROLLBACK")));
    // the shadow stage: concordant pairs only (the same weights again)
    for (long n = 100; n <= 1_000; n += 100) {
      pipe(report(2, "SHADOW", n, 0, 0, 40), T0 + n);
    }
    List<JudgeDecision> first = decisions();
    assertThat(first).hasSize(1);
    assertThat(first.get(0).getAction()).isEqualTo("PROMOTE");
    assertThat(first.get(0).getRule()).isEqualTo("not-worse");
    assertThat(first.get(0).getStageName()).isEqualTo("shadow");
    assertThat(first.get(0).getNextStageName()).isEqualTo("canary-10");
    assertThat(first.get(0).getPairs()).isGreaterThanOrEqualTo(500);
    ModelRollout canary = rollouts().get(0);
    assertThat(canary.getActiveVersion()).isEqualTo(1);
    assertThat(canary.getCanaryVersion()).isEqualTo(2);
    assertThat(canary.getCanaryPercent()).isEqualTo(10);
    assertThat(canary.getShadowVersion()).isNull();
    assertThat(canary.getStage()).isEqualTo(1);
    assertThat(canary.getIssuedBy()).isEqualTo(JudgedRollouts.JUDGE);

    // more shadow reports (late labels) change nothing now
    pipe(report(2, "SHADOW", 1_500, 0, 0, 40), T0 + 1_500);
    // the judge's own rollout read back changes nothing either
    pipe(canary);
    assertThat(decisions()).isEmpty();

    // canary 10 %: 700 pairs; then canary 50 % needs 500 more of its own
    for (long n = 100; n <= 700; n += 100) {
      pipe(report(2, "CANARY", n, 0, 0, 40), T0 + 2_000 + n);
    }
    JudgeDecision second = decisions().get(0);
    assertThat(second.getStageName()).isEqualTo("canary-10");
    long atPromotion = second.getPairs();
    ModelRollout fifty = rollouts().get(0);
    assertThat(fifty.getCanaryPercent()).isEqualTo(50);
    // the next stage counts from the promotion on: 100 more pairs are not enough
    pipe(report(2, "CANARY", atPromotion + 100, 0, 0, 40), T0 + 3_000);
    assertThat(decisions()).isEmpty();
    pipe(report(2, "CANARY", atPromotion + 900, 0, 0, 40), T0 + 3_100);
    JudgeDecision third = decisions().get(0);
    assertThat(third.getStageName()).isEqualTo("canary-50");
    assertThat(third.getPairs()).isEqualTo(900);
    assertThat(third.getNextStageName()).isEqualTo("active");
    ModelRollout active = rollouts().get(0);
    assertThat(active.getActiveVersion()).isEqualTo(2);
    assertThat(active.getCanaryVersion()).isNull();
    assertThat(active.getPolicy()).isNull();

    // judging is over: nothing more, whatever comes
    pipe(report(2, "CANARY", 10_000, 500, 0, 40), T0 + 4_000);
    assertThat(decisions()).isEmpty();
    assertThat(List.of(first.get(0), second, third))
        .extracting(JudgeDecision::getDecisionId)
        .doesNotHaveDuplicates()
        .allSatisfy(id -> assertThat(id).startsWith("mnist-cnn/0000000002/" + T0 + "/"));
  }

  @Test
  void shouldRollBackAMuchWorseCanaryBeforeItsMinimum() {
    RolloutPolicy policy = policy(500, 600_000, "ROLLBACK");
    pipe(
        JudgedRollouts.forStage(
            MODEL, policy, 2, 1, 1, Instant.ofEpochMilli(T0), 100, "ops", "straight to canary"));
    int n = 0;
    while (decisions.isEmpty() && n < 500) {
      n += 10;
      // 10 points worse: the baseline alone right on 11 % of the pairs, the candidate on 1 %
      pipe(report(2, "CANARY", n, Math.round(n * 0.11), Math.round(n * 0.01), 40), T0 + n);
    }
    JudgeDecision d = decisions().get(0);
    assertThat(d.getAction()).isEqualTo("ROLLBACK");
    assertThat(d.getRule()).isEqualTo("worse");
    assertThat(d.getPairs()).isLessThanOrEqualTo(300);
    assertThat(d.getEvidenceWorse()).isGreaterThanOrEqualTo(d.getThreshold());
    assertThat(d.getReason()).contains("rolled back to v1");
    ModelRollout back = rollouts().get(0);
    assertThat(back.getActiveVersion()).isEqualTo(1);
    assertThat(back.getCanaryVersion()).isNull();
    assertThat(back.getPolicy()).isNull();
  }

  @Test
  void shouldApplyOnTimeoutInQualityStreamTime() {
    pipe(auto(policy(500, 60_000, "HOLD")));
    pipe(report(2, "SHADOW", 100, 0, 0, 40), T0 + 59_999);
    assertThat(decisions()).isEmpty();
    // any of the model's reports moves the judge's clock: the active version's, here
    pipe(report(1, "ACTIVE", 5_000, 0, 0, 40), T0 + 60_000);
    JudgeDecision d = decisions().get(0);
    assertThat(d.getRule()).isEqualTo("timeout");
    assertThat(d.getAction()).isEqualTo("HOLD");
    assertThat(d.getDecidedAt()).isEqualTo(Instant.ofEpochMilli(T0 + 60_000));
    ModelRollout held = rollouts().get(0);
    assertThat(held.getShadowVersion()).isEqualTo(2);
    assertThat(held.getActiveVersion()).isEqualTo(1);
    assertThat(held.getPolicy()).isNull();
  }

  @Test
  void shouldRollBackOnLatency() {
    RolloutPolicy policy =
        RolloutPolicy.newBuilder(policy(200, 600_000, "ROLLBACK")).setMaxP99IncreaseMs(50L).build();
    pipe(report(1, "ACTIVE", 5_000, 0, 0, 40), T0 - 1);
    pipe(auto(policy));
    pipe(report(2, "SHADOW", 100, 0, 0, 400), T0 + 1);
    assertThat(decisions()).isEmpty(); // under minLabelled: no verdict on latency yet
    pipe(report(2, "SHADOW", 200, 0, 0, 400), T0 + 2);
    JudgeDecision d = decisions().get(0);
    assertThat(d.getRule()).isEqualTo("latency");
    assertThat(d.getCandidateP99Ms()).isEqualTo(400);
    assertThat(d.getBaselineP99Ms()).isEqualTo(40);
  }

  @Test
  void shouldStopJudgingWhenAPersonPublishesAManualRollout() {
    pipe(auto(policy(500, 600_000, "ROLLBACK")));
    pipe(
        ModelRollout.newBuilder()
            .setModelName(MODEL)
            .setActiveVersion(1L)
            .setIssuedAt(Instant.ofEpochMilli(T0 + 10))
            .setIssuedBy("ops")
            .build());
    pipe(report(2, "SHADOW", 5_000, 500, 0, 40), T0 + 20);
    assertThat(decisions()).isEmpty();
    assertThat(published.isEmpty()).isTrue();
  }

  @Test
  void shouldDecideTheSameBytesWhenReplayed() {
    List<byte[]> live = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      if (run == 1) {
        driver.close();
        open();
      }
      pipe(auto(policy(300, 600_000, "ROLLBACK")));
      for (long n = 50; n <= 3_000; n += 50) {
        pipe(report(2, "SHADOW", n, n / 100, n / 100, 40), T0 + n);
        pipe(report(2, "CANARY", n / 2, n / 80, n / 120, 40), T0 + n);
        pipe(report(1, "ACTIVE", n, 0, 0, 40), T0 + n);
      }
      List<byte[]> out = decisions.readValuesToList();
      assertThat(out).isNotEmpty();
      if (run == 0) {
        live.addAll(out);
      } else {
        assertThat(out).hasSameSizeAs(live);
        for (int i = 0; i < out.size(); i++) {
          assertThat(out.get(i)).isEqualTo(live.get(i));
        }
      }
    }
  }

  @Test
  void shouldDeadLetterAnUnreadableQualityRecord() {
    quality.pipeInput("k".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, T0);
    TestOutputTopic<byte[], byte[]> dead =
        driver.createOutputTopic(
            TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    assertThat(dead.readValuesToList()).hasSize(1);
  }
}
