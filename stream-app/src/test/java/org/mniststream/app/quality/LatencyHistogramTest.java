package org.mniststream.app.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void shouldEncodeEqualCountsToEqualBytesWhateverTheOrder() {
    LatencyHistogram a = LatencyHistogram.empty();
    LatencyHistogram b = LatencyHistogram.empty();
    long[] values = {5, 17, 250, 3, 1200, 17};
    for (int i = 0; i < values.length; i++) {
      a.record(values[i]);
      b.record(values[values.length - 1 - i]);
    }
    assertThat(a.encode()).isEqualTo(b.encode());
    assertThat(LatencyHistogram.decode(a.encode()).encode()).isEqualTo(a.encode());
  }

  @Test
  void shouldAddUpTheHistogramsOfTwoReports() {
    LatencyHistogram first = LatencyHistogram.empty();
    LatencyHistogram second = LatencyHistogram.empty();
    LatencyHistogram both = LatencyHistogram.empty();
    for (long v = 1; v <= 100; v++) {
      (v % 2 == 0 ? first : second).record(v);
      both.record(v);
    }
    LatencyHistogram merged = LatencyHistogram.decode(first.encode());
    merged.add(LatencyHistogram.decode(second.encode()));

    assertThat(merged.encode()).isEqualTo(both.encode());
    assertThat(merged.count()).isEqualTo(100);
    assertThat(merged.percentile(50)).isEqualTo(50);
    assertThat(merged.percentile(99)).isEqualTo(99);
  }

  @Test
  void shouldKeepRecordingIntoADecodedHistogramAsIntoTheOriginal() {
    LatencyHistogram original = LatencyHistogram.empty();
    original.record(3);
    original.record(70_000);
    LatencyHistogram decoded = LatencyHistogram.decode(original.encode());

    original.record(12_345_678);
    decoded.record(12_345_678);

    assertThat(decoded.encode()).isEqualTo(original.encode());
    assertThat(decoded.percentile(99)).isEqualTo(original.percentile(99));
  }

  @Test
  void shouldBringAHistogramOfAnotherPrecisionToThisOne() {
    Histogram finer = new Histogram(1, LatencyHistogram.MAX_MS, 3);
    LatencyHistogram same = LatencyHistogram.empty();
    for (long v = 1; v <= 100; v++) {
      finer.recordValue(v);
      same.record(v);
    }
    ByteBuffer encoded = ByteBuffer.allocate(finer.getNeededByteBufferCapacity());
    finer.encodeIntoByteBuffer(encoded);
    encoded.flip();

    assertThat(LatencyHistogram.decode(encoded).encode()).isEqualTo(same.encode());
  }

  @Test
  void shouldClampNegativeAndHugeLatencies() {
    LatencyHistogram h = LatencyHistogram.empty();
    h.record(-5);
    h.record(Long.MAX_VALUE);
    assertThat(h.percentile(0)).isZero();
    assertThat(h.percentile(100)).isGreaterThanOrEqualTo(LatencyHistogram.MAX_MS);
    assertThat(LatencyHistogram.decode(ByteBuffer.allocate(0)).count()).isZero();
  }
}
