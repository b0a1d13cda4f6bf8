package org.mniststream.trainer.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import org.mniststream.model.InputNormalizer;

/**
 * Turns images of a compact {@link IdxDataset} into network input, one batch at a time, through the
 * product's one pixel mapping ({@link InputNormalizer}), so training sees exactly what serving
 * will. The buffers are allocated once for the largest batch and reused; callers must be done with
 * a batch (its NDArrays closed) before the next fill.
 *
 * <p>Besides the float and label arrays, each fill also lands in two direct, native-order buffers
 * ({@link #inputBuffer}, {@link #labelBuffer}). PyTorch wraps a direct buffer without copying it,
 * whereas an array-backed buffer would cost a fresh direct allocation per batch, which only the
 * garbage collector gives back, so native memory would grow between collections.
 *
 * <p>Not thread-safe: one feeder per training loop.
 */
public final class BatchFeeder {
  private final IdxDataset dataset;
  private final InputNormalizer normalizer;
  private final float[] input;
  private final long[] labels;
  private final ByteBuffer directInput;
  private final ByteBuffer directLabels;

  public BatchFeeder(IdxDataset dataset, InputNormalizer normalizer, int maxBatchSize) {
    this.dataset = Objects.requireNonNull(dataset, "dataset");
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    if (dataset.imageSize() != normalizer.pixelsPerImage()) {
      throw new IllegalArgumentException(
          "images have "
              + dataset.imageSize()
              + " pixels but the input contract expects "
              + normalizer.pixelsPerImage());
    }
    this.input = new float[maxBatchSize * normalizer.pixelsPerImage()];
    this.labels = new long[maxBatchSize];
    this.directInput =
        ByteBuffer.allocateDirect(input.length * Float.BYTES).order(ByteOrder.nativeOrder());
    this.directLabels =
        ByteBuffer.allocateDirect(labels.length * Long.BYTES).order(ByteOrder.nativeOrder());
  }

  /**
   * Normalizes the images {@code order[from..from+count)} into {@link #input()} and their labels
   * into {@link #labels()}.
   */
  public void fill(int[] order, int from, int count) {
    if (count > labels.length) {
      throw new IllegalArgumentException("batch of " + count + " exceeds " + labels.length);
    }
    int pixels = normalizer.pixelsPerImage();
    for (int j = 0; j < count; j++) {
      int image = order[from + j];
      normalizer.normalize(dataset.pixels(), dataset.offsetOf(image), input, j * pixels);
      labels[j] = dataset.label(image);
    }
    copyToDirect(count);
  }

  /** Normalizes the consecutive images {@code from..from+count-1}. */
  public void fillRange(int from, int count) {
    if (count > labels.length) {
      throw new IllegalArgumentException("batch of " + count + " exceeds " + labels.length);
    }
    int pixels = normalizer.pixelsPerImage();
    for (int j = 0; j < count; j++) {
      normalizer.normalize(dataset.pixels(), dataset.offsetOf(from + j), input, j * pixels);
      labels[j] = dataset.label(from + j);
    }
    copyToDirect(count);
  }

  private void copyToDirect(int count) {
    int floats = count * normalizer.pixelsPerImage();
    directInput.asFloatBuffer().put(0, input, 0, floats);
    directLabels.asLongBuffer().put(0, labels, 0, count);
  }

  /** The last fill's {@code count} images as a direct native-order float32 buffer (shared). */
  public ByteBuffer inputBuffer(int count) {
    return view(directInput, count * normalizer.pixelsPerImage() * Float.BYTES);
  }

  /** The last fill's {@code count} labels as a direct native-order int64 buffer (shared). */
  public ByteBuffer labelBuffer(int count) {
    return view(directLabels, count * Long.BYTES);
  }

  private static ByteBuffer view(ByteBuffer buffer, int bytes) {
    // a duplicate has its own position and limit, but forgets the byte order
    ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
    view.position(0).limit(bytes);
    return view;
  }

  /** The reused input buffer: image after image, {@code pixelsPerImage} floats each. */
  public float[] input() {
    return input;
  }

  /** The reused label buffer. */
  public long[] labels() {
    return labels;
  }

  public int maxBatchSize() {
    return labels.length;
  }
}
