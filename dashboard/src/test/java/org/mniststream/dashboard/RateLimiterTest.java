package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(123 * MS);

  private List<Boolean> take(RateLimiter limiter, String client, int n) {
    List<Boolean> allowed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      allowed.add(limiter.tryAcquire(client).allowed());
    }
    return allowed;
  }

  @Test
  void shouldAllowTheBurstAtOnceThenRefuseWithTheSecondsToWait() {
    RateLimiter limiter = new RateLimiter(5, 10, now::get);

    assertThat(take(limiter, "10.0.0.1", 10)).containsOnly(true).hasSize(10);
    RateLimiter.Decision refused = limiter.tryAcquire("10.0.0.1");

    assertThat(refused).isEqualTo(new RateLimiter.Decision(false, 1));
  }

  @Test
  void shouldGiveBackTheRateEachSecondAndNeverMoreThanTheBurst() {
    RateLimiter limiter = new RateLimiter(5, 10, now::get);
    take(limiter, "a", 10);

    now.addAndGet(200 * MS); // one token back
    assertThat(take(limiter, "a", 2)).containsExactly(true, false);

    now.addAndGet(1000 * MS); // five back
    assertThat(take(limiter, "a", 6)).containsExactly(true, true, true, true, true, false);

    now.addAndGet(3_600_000 * MS); // an hour idle: the burst, not 18 000
    assertThat(take(limiter, "a", 11))
        .containsExactly(true, true, true, true, true, true, true, true, true, true, false);
  }

  @Test
  void shouldSayHowManyWholeSecondsUntilTheNextRequestAtASlowRate() {
    RateLimiter limiter = new RateLimiter(0.25, 1, now::get); // one every 4 s

    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
    assertThat(limiter.tryAcquire("a")).isEqualTo(new RateLimiter.Decision(false, 4));
    now.addAndGet(2500 * MS);
    assertThat(limiter.tryAcquire("a")).isEqualTo(new RateLimiter.Decision(false, 2));
    now.addAndGet(1500 * MS);
    assertThat(limiter.tryAcquire("a").allowed()).isTrue();
  }

  @Test
  void shouldKeepOneBucketPerClient() {
    RateLimiter limiter = new RateLimiter(1, 2, now::get);

    assertThat(take(limiter, "a", 3)).containsExactly(true, true, false);
    assertThat(take(limiter, "b", 3)).containsExactly(true, true, false);
  }

  @Test
  void shouldLimitNothingAtRateZero() {
    RateLimiter limiter = new RateLimiter(0, 0, now::get);

    assertThat(take(limiter, "a", 1000)).containsOnly(true);
    assertThat(limiter.clients()).isZero();
  }

  @Test
  void shouldForgetRefilledBucketsPastTheBoundButKeepTheSpentOnes() {
    RateLimiter limiter = new RateLimiter(1, 2, now::get);
    take(limiter, "spender", 2);
    for (int i = 0; i < RateLimiter.MAX_CLIENTS - 1; i++) {
      limiter.tryAcquire("client-" + i);
    }
    now.addAndGet(1500 * MS); // the others refill; the spender has 1.5 of 2

    limiter.tryAcquire("newcomer");

    assertThat(limiter.clients()).isEqualTo(2);
    assertThat(take(limiter, "spender", 2)).containsExactly(true, false);
  }

  @Test
  void shouldRefuseANegativeRateOrAnEmptyBurst() {
    assertThatThrownBy(() -> new RateLimiter(-1, 10, now::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the draw rate must be >= 0 a second, got -1.0");
    assertThatThrownBy(() -> new RateLimiter(5, 0, now::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the draw burst must be >= 1, got 0");
  }
}
