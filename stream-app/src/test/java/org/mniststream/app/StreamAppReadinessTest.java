package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StreamAppReadinessTest {

  @Test
  void shouldNotBeReadyWhileWarmingUpEvenWithAModelServing() {
    assertThat(StreamApp.notReadyReason("mnist", true, true, null)).contains("warming up");
    assertThat(StreamApp.notReadyReason("mnist", true, true, KafkaStreams.State.RUNNING))
        .contains("warming up");
  }

  @Test
  void shouldBeReadyOnlyWithAModelTheWarmUpDoneAndKafkaStreamsRunning() {
    assertThat(StreamApp.notReadyReason("mnist", false, false, KafkaStreams.State.RUNNING))
        .contains("no version of mnist can serve yet");
    assertThat(StreamApp.notReadyReason("mnist", true, false, null)).contains("starting");
    assertThat(StreamApp.notReadyReason("mnist", true, false, KafkaStreams.State.REBALANCING))
        .contains("Kafka Streams is REBALANCING");
    assertThat(StreamApp.notReadyReason("mnist", true, false, KafkaStreams.State.RUNNING))
        .isEmpty();
  }
}
