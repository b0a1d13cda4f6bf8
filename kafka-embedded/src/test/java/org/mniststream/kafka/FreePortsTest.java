package org.mniststream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void shouldPickDistinctFreePorts() {
    int[] ports = FreePorts.loopback(2);

    assertThat(ports).hasSize(2).doesNotHaveDuplicates();
    assertThat(Arrays.stream(ports)).allMatch(p -> p > 0 && p < 65_536);
  }
}
