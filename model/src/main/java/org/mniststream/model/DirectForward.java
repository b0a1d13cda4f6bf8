package org.mniststream.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * An {@link Architecture}'s inference forward pass as direct libtorch calls on the block's own
 * parameters: the same ops in the same order as the block, minus DJL's per-call Block and
 * ParameterStore machinery, and with one op swapped for a faster equivalent.
 *
 * <p>Why: DJL's max-pool block calls {@code max_pool2d}, which on CPU runs libtorch's
 * index-tracking kernel ({@code cpu_max_pool}, scalar, computes argmax indices nobody reads in
 * inference); it took about half of CNN_V1's forward time in perf. Here a 2x2/stride-2 max-pool is
 * the element-wise maximum of the four strided 2x2 phases of its input: the same values, bit for
 * bit (max is exact, and both propagate NaN), through libtorch's element-wise kernels, which are an
 * order of magnitude faster (figures in docs/BENCHMARKS.md).
 *
 * <p>Holds {@link Parameter}s, not arrays: it owns nothing, reads each parameter's current array
 * per call (so a block that is still being trained stays in sync), and every array it creates
 * belongs to the input's manager. Stateless and thread-safe.
 */
public final class DirectForward {
  private static final Shape ONES = new Shape(1, 1);
  private static final Shape ZEROS = new Shape(0, 0);

  private final Architecture architecture;
  private final Parameter[] parameters;

  private DirectForward(Architecture architecture, Parameter[] parameters) {
    this.architecture = architecture;
    this.parameters = parameters;
  }

  /** The direct pass of an initialized or loaded block of {@code architecture}. */
  static DirectForward of(Architecture architecture, Block block) {
    List<Parameter> list = block.getParameters().values();
    int expected =
        switch (architecture) {
          case CNN_V1 -> 8; // conv w,b; conv w,b; dense w,b; dense w,b
          case MLP_V1 -> 6; // dense w,b x3
        };
    if (list.size() != expected) {
      throw new IllegalStateException(
          architecture.id()
              + " has "
              + list.size()
              + " parameters, the direct pass expects "
              + expected
              + ": update DirectForward with Architecture");
    }
    return new DirectForward(architecture, list.toArray(Parameter[]::new));
  }

  /** Logits of a (batch, channels, height, width) input; grad mode must be off. */
  PtNDArray logits(PtNDArray x) {
    return switch (architecture) {
      case CNN_V1 -> cnnV1(x);
      case MLP_V1 -> mlpV1(x);
    };
  }

  private PtNDArray cnnV1(PtNDArray x) {
    long batch = x.getShape().get(0);
    x = JniUtils.convolution(x, p(0), p(1), ONES, ZEROS, ONES, 1);
    x = JniUtils.relu(maxPool2x2(x));
    x = JniUtils.convolution(x, p(2), p(3), ONES, ZEROS, ONES, 1);
    x = JniUtils.relu(maxPool2x2(x));
    x = JniUtils.reshape(x, new long[] {batch, -1});
    x = JniUtils.relu(JniUtils.linear(x, p(4), p(5)));
    return JniUtils.linear(x, p(6), p(7));
  }

  private PtNDArray mlpV1(PtNDArray x) {
    x = JniUtils.reshape(x, new long[] {x.getShape().get(0), -1});
    x = JniUtils.relu(JniUtils.linear(x, p(0), p(1)));
    x = JniUtils.relu(JniUtils.linear(x, p(2), p(3)));
    return JniUtils.linear(x, p(4), p(5));
  }

  /**
   * Max-pool, kernel 2x2, stride 2, no padding, floor mode (DJL's {@code maxPool2dBlock(2x2)}) on
   * an NCHW array: the maximum of its four (even/odd row, even/odd column) strided views. (Rows
   * first, then columns, is two ops instead of three but measured slower at batch 64.)
   */
  public static PtNDArray maxPool2x2(PtNDArray x) {
    long h = x.getShape().get(2) / 2 * 2;
    long w = x.getShape().get(3) / 2 * 2;
    PtNDArray even = JniUtils.slice(x, 2, 0, h, 2);
    PtNDArray odd = JniUtils.slice(x, 2, 1, h, 2);
    PtNDArray top =
        JniUtils.max(JniUtils.slice(even, 3, 0, w, 2), JniUtils.slice(even, 3, 1, w, 2));
    PtNDArray bottom =
        JniUtils.max(JniUtils.slice(odd, 3, 0, w, 2), JniUtils.slice(odd, 3, 1, w, 2));
    return JniUtils.max(top, bottom);
  }

  private PtNDArray p(int i) {
    return (PtNDArray) parameters[i].getArray();
  }
}
