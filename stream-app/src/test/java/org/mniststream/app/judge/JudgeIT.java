package org.mniststream.app.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mniststream.app.testing.ChildApps;
import org.mniststream.app.testing.KafkaIt;
import org.mniststream.app.testing.TestEvents;
import org.mniststream.app.testing.TestModelRecords;
import org.mniststream.kafka.ChildJvm;
import org.mniststream.kafka.FreePorts;
import org.mniststream.kafka.StreamAppLauncher;
import org.mniststream.model.Architecture;
import org.mniststream.model.LoadedModel;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.JudgeDecision;
import org.mniststream.schemas.ModelRollout;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.Prediction;
import org.mniststream.schemas.QualityReport;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.testing.KafkaFixture;
import org.mniststream.topics.TopicReader;

/**
 * The judge on a real broker, in real stream-app processes (classifier, quality app and judge):
 * version 2 (version 1's weights published again) is judged through shadow and canary stages and
 * promoted, with the app killed -9 in the middle of the canary stage; then version 3 (other
 * weights) enters as a canary and is rolled back by the judge. The labels are version 1's own
 * predictions, so version 1 (and 2) are right on every event and version 3 is not.
 *
 * <p>Checked: each stage decided once (no decision lost or doubled across the kill), every event
 * classified exactly once, the final rollouts served, and a replay of the quality topic through the
 * judge's engine giving the very bytes of the decisions topic.
 */
class JudgeIT {
  private static final Duration AWAIT = Duration.ofSeconds(180);
  private static final String MODEL = TestModelRecords.NAME;
  private final List<ChildJvm> children = new ArrayList<>();
  private final List<String> sent = new ArrayList<>();
  private int next;

  @AfterEach
  void killChildren() {
    children.forEach(ChildJvm::kill);
  }

  static RolloutPolicy policy() {
    return RolloutPolicy.newBuilder()
        .setStages(
            List.of(
                RolloutPolicies.stage("shadow", "SHADOW", 0, 300, 600_000),
                RolloutPolicies.stage("canary-50", "CANARY", 50, 300, 600_000),
                RolloutPolicies.stage("active", "ACTIVE", 100, 0, 0)))
        .setMaxAccuracyDrop(0.01)
        .setAlpha(0.05)
        .setMaxP99IncreaseMs(null)
        .setOnTimeout("ROLLBACK")
        .build();
  }

  @Test
  void shouldPromoteAGoodCandidateAcrossAKillAndRollBackAWorseOne() throws Exception {
    KafkaIt kafka = new KafkaIt(KafkaFixture.shared(), 2);
    byte[] v1 = TestModelRecords.mlp(1);
    ModelVersion again = ModelVersion.newBuilder(TestModelRecords.decode(v1)).setVersion(2).build();
    kafka.send(kafka.topics.models(), TestModelRecords.key(1), v1);
    kafka.send(kafka.topics.models(), TestModelRecords.key(2), TestModelRecords.encode(again));
    kafka.send(kafka.topics.models(), TestModelRecords.key(3), TestModelRecords.mlp(3));
    ModelRollout auto2 =
        JudgedRollouts.forStage(
            MODEL, policy(), 2, 1, 0, Instant.now(), 100, "it", "v2 judged from shadow");
    sendRollout(kafka, auto2);

    try (LoadedModel truth = LoadedModel.load(TestModelRecords.decode(v1), Architecture.MLP_V1)) {
      ChildJvm first = startChild(kafka, "first");
      // the shadow stage ends on its own (300 pairs needed, ~700 for the evidence)
      List<JudgeDecision> decisions = streamUntil(kafka, truth, first, d -> d.size() >= 1);
      assertThat(decisions.get(0).getAction()).isEqualTo("PROMOTE");
      assertThat(decisions.get(0).getStageName()).isEqualTo("shadow");

      // in the middle of the canary stage, kill -9
      send(kafka, truth, 200);
      first.kill();
      ChildJvm second = startChild(kafka, "second");
      decisions = streamUntil(kafka, truth, second, d -> d.size() >= 2);
      assertThat(decisions.get(1).getStageName()).isEqualTo("canary-50");
      assertThat(decisions.get(1).getAction()).isEqualTo("PROMOTE");
      assertThat(decisions.get(1).getNextStageName()).isEqualTo("active");

      // version 3, other weights, straight into the canary stage against version 2
      ModelRollout auto3 =
          JudgedRollouts.forStage(
              MODEL, policy(), 3, 2, 1, Instant.now(), 100, "it", "v3 judged as a canary");
      sendRollout(kafka, auto3);
      decisions = streamUntil(kafka, truth, second, d -> d.size() >= 3);
      JudgeDecision rollback = decisions.get(2);
      assertThat(rollback.getCandidateVersion()).isEqualTo(3);
      assertThat(rollback.getAction()).isEqualTo("ROLLBACK");
      assertThat(rollback.getRule()).isEqualTo("worse");
      assertThat(rollback.getPairs()).isLessThanOrEqualTo(300);

      // the judge's last rollout serves: version 2 pinned, no canary
      List<ModelRollout> rollouts =
          kafka.readCommitted(kafka.topics.rollouts(), ContractSerdes.modelRollout());
      ModelRollout last = rollouts.get(rollouts.size() - 1);
      assertThat(last.getActiveVersion()).isEqualTo(2);
      assertThat(last.getCanaryVersion()).isNull();
      assertThat(last.getIssuedBy()).isEqualTo(JudgedRollouts.JUDGE);
      String after = "judge-after-" + kafka.runId;
      sent.add(after);
      kafka.assertNextEventClassifiedBy(after, 2, Duration.ofSeconds(60));

      // every event exactly once; each stage decided once, and a replay gives the same bytes
      await()
          .atMost(AWAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          kafka
                              .readCommitted(
                                  kafka.topics.predictions(), ContractSerdes.prediction())
                              .stream()
                              .map(Prediction::getEventId)
                              .toList())
                      .containsExactlyInAnyOrderElementsOf(sent));
      List<byte[]> live = rawValues(kafka, kafka.topics.decisions());
      assertThat(live).hasSize(3);
      assertThat(decisions).extracting(JudgeDecision::getDecisionId).doesNotHaveDuplicates();
      assertThat(replay(kafka, List.of(auto2, auto3))).containsExactlyElementsOf(live);
      second.stop(Duration.ofSeconds(60));
    }
  }

  /** The judge's engine over the quality topic, the operator's rollouts placed by timestamp. */
  private static List<byte[]> replay(KafkaIt kafka, List<ModelRollout> operator) throws Exception {
    InMemoryJudge judge = new InMemoryJudge();
    List<byte[]> out = new ArrayList<>();
    List<ModelRollout> pending = new ArrayList<>(operator);
    for (ConsumerRecord<byte[], byte[]> r : records(kafka, kafka.topics.quality())) {
      while (!pending.isEmpty() && pending.get(0).getIssuedAt().toEpochMilli() <= r.timestamp()) {
        judge.onRollout(MODEL, pending.remove(0));
      }
      if (r.value() == null) {
        continue;
      }
      QualityReport report = ContractSerdes.qualityReport().decode(r.value());
      judge
          .onQuality(report, r.timestamp())
          .ifPresent(d -> out.add(ContractSerdes.judgeDecision().encode(d.decision())));
    }
    return out;
  }

  private List<JudgeDecision> streamUntil(
      KafkaIt kafka,
      LoadedModel truth,
      ChildJvm app,
      java.util.function.Predicate<List<JudgeDecision>> done)
      throws Exception {
    long deadline = System.nanoTime() + AWAIT.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(app.isAlive()).as("stream app alive").isTrue();
      List<JudgeDecision> decisions =
          kafka.readCommitted(kafka.topics.decisions(), ContractSerdes.judgeDecision());
      if (done.test(decisions)) {
        return decisions;
      }
      send(kafka, truth, 100);
      Thread.sleep(300);
    }
    throw new AssertionError("no decision within " + AWAIT);
  }

  /** {@code n} more events, each labelled inline with what version 1 predicts for it. */
  private void send(KafkaIt kafka, LoadedModel truth, int n) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (int i = 0; i < n; i++) {
        String id = "judge-" + kafka.runId + "-" + next++;
        ImageEvent unlabelled = TestEvents.raw28(id, null);
        byte[] pixels = new byte[unlabelled.getPixels().remaining()];
        unlabelled.getPixels().duplicate().get(pixels);
        float[] p = truth.predict(truth.normalizer().normalizeAll(pixels, 0, 1), 1);
        int label = 0;
        for (int k = 1; k < p.length; k++) {
          label = p[k] > p[label] ? k : label;
        }
        sent.add(id);
        producer.send(
            new ProducerRecord<>(
                kafka.topics.images(),
                TestEvents.key(id),
                TestEvents.encode(TestEvents.raw28(id, label))));
      }
      producer.flush();
    }
  }

  private static void sendRollout(KafkaIt kafka, ModelRollout r) throws Exception {
    kafka.send(
        kafka.topics.rollouts(),
        MODEL.getBytes(StandardCharsets.UTF_8),
        ContractSerdes.modelRollout().encode(r));
  }

  private static List<ConsumerRecord<byte[], byte[]>> records(KafkaIt kafka, String topic)
      throws Exception {
    Properties base = new Properties();
    base.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(TopicReader.consumerConfig(base, "judge-it"))) {
      return TopicReader.readAll(consumer, List.of(topic), Duration.ofSeconds(30));
    }
  }

  private static List<byte[]> rawValues(KafkaIt kafka, String topic) throws Exception {
    return records(kafka, topic).stream().map(ConsumerRecord::value).toList();
  }

  private ChildJvm startChild(KafkaIt kafka, String name) throws IOException {
    int port = FreePorts.loopback();
    Map<String, String> config =
        new LinkedHashMap<>(kafka.appConfig(Files.createTempDirectory("judge-it-" + name)));
    config.put("http.port", Integer.toString(port));
    config.put("quality.enabled", "true");
    config.put("inference.batch.max-wait-ms", "20");
    ChildJvm child =
        StreamAppLauncher.launch(
            "judge-it-" + name,
            config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
            List.of("-Xmx1g"),
            Path.of("target", "judge-it-" + kafka.runId + "-" + name + ".log"));
    children.add(child);
    ChildApps.awaitReady(child, port, AWAIT);
    return child;
  }
}
