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
  void shouldSampleAboutThePairedPercentOfTheCanaryWhenKeysAreTheEventIds() {
    // Given events keyed by their own id, as the producers do, and a 30 % canary
    int canary = 0;
    int paired = 0;
    for (int i = 0; i < 20_000; i++) {
      String id = "event-" + i;
      if (CanarySplit.isCanary(id.getBytes(StandardCharsets.UTF_8), 30)) {
        canary++;
        // When half of the canary's events are to be paired
        if (CanarySplit.isPaired(id, 50)) {
          paired++;
        }
      }
    }

    // Then about half are, not all: the sample does not follow the split's buckets
    assertThat(canary).isBetween(5_800, 6_200);
    assertThat(paired).isBetween(canary / 2 - 200, canary / 2 + 200); // 3 sigma is about 116
  }

  @Test
  void shouldPairTheSameEventEveryTimeAndNoneAtZeroEveryOneAtHundred() {
    for (int i = 0; i < 1_000; i++) {
      String id = "event-" + i;
      assertThat(CanarySplit.isPaired(id, 37)).isEqualTo(CanarySplit.isPaired(new String(id), 37));
      assertThat(CanarySplit.isPaired(id, 0)).isFalse();
      assertThat(CanarySplit.isPaired(id, 100)).isTrue();
      assertThat(CanarySplit.pairedBucket(id)).isBetween(0, 99);
    }
  }

  @Test
  void shouldBucketWithinZeroToNinetyNine() {
    assertThat(IntStream.range(0, 10_000).map(i -> CanarySplit.bucket(key(i))))
        .allMatch(b -> b >= 0 && b < 100);
  }
}
