package org.mniststream.app.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CanarySplitTest {
  private static byte[] key(int i) {
    return ("user-" + i).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldPutTheSameKeyInTheSameBucketEveryTime() {
    for (int i = 0; i < 1_000; i++) {
      assertThat(CanarySplit.bucket(key(i))).isEqualTo(CanarySplit.bucket(key(i).clone()));
    }
  }

  @Test
  void shouldRouteAboutThePercentageOfKeysToTheCanary() {
    long canary = IntStream.range(0, 10_000).filter(i -> CanarySplit.isCanary(key(i), 10)).count();

    assertThat(canary).isBetween(910L, 1_090L); // 10% of 10,000 within 3 sigma
  }

  @Test
  void shouldRouteNoKeyAtZeroAndEveryKeyAtHundredPercent() {
    assertThat(IntStream.range(0, 1_000).filter(i -> CanarySplit.isCanary(key(i), 0))).isEmpty();
    assertThat(IntStream.range(0, 1_000).allMatch(i -> CanarySplit.isCanary(key(i), 100))).isTrue();
  }

  @Test
  void shouldOnlyAddKeysWhenThePercentageGrows() {
    for (int i = 0; i < 5_000; i++) {
      if (CanarySplit.isCanary(key(i), 5)) {
        assertThat(CanarySplit.isCanary(key(i), 25)).isTrue();
      }
    }
  }

  @Test
  void shouldBucketWithinZeroToNinetyNine() {
    assertThat(IntStream.range(0, 10_000).map(i -> CanarySplit.bucket(key(i))))
        .allMatch(b -> b >= 0 && b < 100);
  }
}
