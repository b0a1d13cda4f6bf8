package org.mniststream.app.quality;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * End-to-end latencies in milliseconds as an HdrHistogram, in the encoding a {@code QualityReport}
 * carries (HdrHistogram's V2 encoding: zero runs and LEB128 counts, small without deflating, and
 * several times cheaper to write and read than the compressed form, which reports are on every
 * label). Fixed range and precision (no auto-resize), so equal counts always encode to equal bytes,
 * and the histograms of two reports add up ({@link #add}).
 */
public final class LatencyHistogram {
  /** Latencies above this are recorded as this: a backlog a day old is "a day" here. */
  static final long MAX_MS = Duration.ofDays(1).toMillis();

  /** Two significant digits: percentiles to within 1 %, a tenth of the memory of three. */
  static final int SIGNIFICANT_DIGITS = 2;

  private final Histogram histogram;

  private LatencyHistogram(Histogram histogram) {
    this.histogram = histogram;
  }

  public static LatencyHistogram empty() {
    return new LatencyHistogram(new Histogram(1, MAX_MS, SIGNIFICANT_DIGITS));
  }

  /** Decodes what {@link #encode} wrote; an empty buffer is an empty histogram. */
  public static LatencyHistogram decode(ByteBuffer encoded) {
    if (!encoded.hasRemaining()) {
      return empty();
    }
    try {
      Histogram decoded = Histogram.decodeFromByteBuffer(encoded.duplicate(), MAX_MS);
      if (decoded.getLowestDiscernibleValue() == 1
          && decoded.getHighestTrackableValue() == MAX_MS
          && decoded.getNumberOfSignificantValueDigits() == SIGNIFICANT_DIGITS) {
        // what encode wrote: the decoded histogram is already of this range and precision
        return new LatencyHistogram(decoded);
      }
      LatencyHistogram h = empty();
      h.histogram.add(decoded);
      return h;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an encoded latency histogram", e);
    }
  }

  /** Records one latency, clamped to [0, {@link #MAX_MS}]. */
  public void record(long millis) {
    histogram.recordValue(Math.max(0, Math.min(MAX_MS, millis)));
  }

  /** Adds another histogram's counts to this one. */
  public void add(LatencyHistogram other) {
    histogram.add(other.histogram);
  }

  public long count() {
    return histogram.getTotalCount();
  }

  /** The latency at {@code percentile} (0-100), milliseconds; 0 when empty. */
  public long percentile(double percentile) {
    return count() == 0 ? 0 : histogram.getValueAtPercentile(percentile);
  }

  public ByteBuffer encode() {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoByteBuffer(buffer);
    return ByteBuffer.wrap(buffer.array(), 0, length).slice();
  }
}
