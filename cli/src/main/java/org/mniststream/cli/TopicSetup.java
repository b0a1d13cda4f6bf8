package org.mniststream.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.mniststream.schemas.TopicNames;

/** Creates every topic of the product with the settings the README's topic table gives. */
final class TopicSetup {
  /** Room for a CNN version (~0.9 MB) with headroom for larger architectures. */
  static final int MODEL_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private TopicSetup() {}

  static void createAll(Properties clientProps, TopicNames topics, int partitions)
      throws InterruptedException {
    List<NewTopic> wanted = new ArrayList<>();
    wanted.add(new NewTopic(topics.images(), partitions, (short) 1));
    wanted.add(new NewTopic(topics.predictions(), partitions, (short) 1));
    wanted.add(new NewTopic(topics.shadowPredictions(), partitions, (short) 1));
    wanted.add(
        new NewTopic(topics.deadLetters(), 1, (short) 1)
            .configs(Map.of("retention.ms", Long.toString(14L * 24 * 3600 * 1000))));
    wanted.add(
        new NewTopic(topics.models(), 1, (short) 1)
            .configs(
                Map.of(
                    "cleanup.policy",
                    "compact",
                    "max.message.bytes",
                    Integer.toString(MODEL_MAX_MESSAGE_BYTES))));
    wanted.add(
        new NewTopic(topics.rollouts(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
    try (Admin admin = Admin.create(clientProps)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
          }
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e);
    }
  }
}
