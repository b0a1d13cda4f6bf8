package org.mniststream.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StreamFineTuneSampleTest {
  @Test
  void shouldDrawDistinctSortedIndicesReproduciblyBySeed() {
    int[] a = StreamFineTune.sample(3000, 500, 42);

    assertThat(a).hasSize(500).isSorted();
    assertThat(Arrays.stream(a).distinct().count()).isEqualTo(500);
    assertThat(a[0]).isGreaterThanOrEqualTo(0);
    assertThat(a[a.length - 1]).isLessThan(3000);
    assertThat(StreamFineTune.sample(3000, 500, 42)).isEqualTo(a);
    assertThat(StreamFineTune.sample(3000, 500, 43)).isNotEqualTo(a);
    assertThat(StreamFineTune.indicesSha256(a))
        .isEqualTo(StreamFineTune.indicesSha256(StreamFineTune.sample(3000, 500, 42)))
        .isNotEqualTo(StreamFineTune.indicesSha256(StreamFineTune.sample(3000, 500, 43)));
    assertThat(StreamFineTune.sample(10, 10, 1)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(StreamFineTune.sample(10, 0, 1)).isEmpty();
  }
}
