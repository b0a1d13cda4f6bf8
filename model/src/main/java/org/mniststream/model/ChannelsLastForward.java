package org.mniststream.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * CNN_V1's inference forward pass with channels-last (NHWC) activations: the serving path.
 *
 * <p>Why: libtorch hands a convolution to oneDNN in the memory format of its input or weight. With
 * plain NCHW tensors ({@link DirectForward}) oneDNN runs its NCHW kernels, and the 2x2 max-pool
 * reads every activation with a stride of 2 in the innermost dimension. With the convolution
 * weights stored channels-last, libtorch asks oneDNN for NHWC kernels, every activation comes out
 * channels-last, and the pool's element-wise maximum runs over 32 or 64 contiguous channels. Same
 * ops, same parameters, about 40 % more images per CPU-second at batch 64 on this box (JMH figures
 * in docs/BENCHMARKS.md, 2026-11-30 (session 4)).
 *
 * <p>Not bit-exact with {@link DirectForward}: oneDNN's NHWC kernels, and the first dense layer
 * over the features in (height, width, channel) order, sum the same products in another order
 * (logits differ in the last bits; tested to agree in ChannelsLastForwardTest, and the test-set
 * accuracy of a trained model is compared in docs/BENCHMARKS.md).
 *
 * <p>Ownership: the three re-laid-out weights are made once, when the model is loaded, from the
 * parameters as they are then, and are attached to the owning model's manager: they are freed with
 * the model's parameters, by whoever owns the model (a {@link LoadedModel}). The block must not be
 * trained afterwards. Read-only after construction, so thread-safe.
 */
final class ChannelsLastForward {
  private static final Shape ONES = new Shape(1, 1);
  private static final Shape ZEROS = new Shape(0, 0);

  private final PtNDArray conv1Weight;
  private final PtNDArray conv1Bias;
  private final PtNDArray conv2Weight;
  private final PtNDArray conv2Bias;
  private final PtNDArray dense1Weight;
  private final PtNDArray dense1Bias;
  private final PtNDArray dense2Weight;
  private final PtNDArray dense2Bias;

  private ChannelsLastForward(PtNDArray[] p, PtNDArray conv1, PtNDArray conv2, PtNDArray dense1) {
    conv1Weight = conv1;
    conv1Bias = p[1];
    conv2Weight = conv2;
    conv2Bias = p[3];
    dense1Weight = dense1;
    dense1Bias = p[5];
    dense2Weight = p[6];
    dense2Bias = p[7];
  }

  /**
   * The channels-last pass of an initialized or loaded CNN_V1 block for inputs of {@code height} x
   * {@code width}; the re-laid-out weights are attached to {@code owner} (the model's manager).
   */
  static ChannelsLastForward prepare(Block block, int height, int width, NDManager owner) {
    List<Parameter> list = block.getParameters().values();
    if (list.size() != 8) {
      throw new IllegalStateException(
          "cnn-v1 has " + list.size() + " parameters, the channels-last pass expects 8");
    }
    PtNDArray[] p = list.stream().map(q -> (PtNDArray) q.getArray()).toArray(PtNDArray[]::new);
    // conv 3x3 valid, pool 2x2 floor, conv 3x3 valid, pool 2x2 floor
    long featureHeight = ((height - 2) / 2 - 2) / 2;
    long featureWidth = ((width - 2) / 2 - 2) / 2;
    long channels = p[2].getShape().get(0);
    long features = p[4].getShape().get(1);
    if (channels * featureHeight * featureWidth != features) {
      throw new IllegalStateException(
          "cnn-v1's first dense layer takes "
              + features
              + " features, a "
              + height
              + "x"
              + width
              + " input gives "
              + channels * featureHeight * featureWidth);
    }
    PtNDArray conv1 = channelsLast(p[0]);
    PtNDArray conv2 = channelsLast(p[2]);
    PtNDArray dense1 = featuresInHwcOrder(p[4], channels, featureHeight, featureWidth);
    conv1.attach(owner);
    conv2.attach(owner);
    dense1.attach(owner);
    return new ChannelsLastForward(p, conv1, conv2, dense1);
  }

  /**
   * Logits of a (batch, channels, height, width) input in either memory format; grad mode must be
   * off. Every array it creates belongs to the input's manager.
   */
  PtNDArray logits(PtNDArray x) {
    long batch = x.getShape().get(0);
    // channels-last weights make libtorch choose oneDNN's NHWC kernels and a channels-last output
    x = JniUtils.convolution(x, conv1Weight, conv1Bias, ONES, ZEROS, ONES, 1);
    x = JniUtils.relu(DirectForward.maxPool2x2(x));
    x = JniUtils.convolution(x, conv2Weight, conv2Bias, ONES, ZEROS, ONES, 1);
    x = JniUtils.relu(DirectForward.maxPool2x2(x));
    // (batch, h, w, c) is the memory order: a view, no copy; dense1Weight expects this order
    x = JniUtils.reshape(JniUtils.permute(x, new long[] {0, 2, 3, 1}), new long[] {batch, -1});
    x = JniUtils.relu(JniUtils.linear(x, dense1Weight, dense1Bias));
    return JniUtils.linear(x, dense2Weight, dense2Bias);
  }

  /**
   * A copy of an (out, in, kh, kw) convolution weight with channels-last strides: the same logical
   * shape, memory in (out, kh, kw, in) order.
   */
  static PtNDArray channelsLast(PtNDArray weight) {
    long[] s = weight.getShape().getShape();
    PtNDArray ohwi = JniUtils.permute(weight, new long[] {0, 2, 3, 1});
    PtNDArray copy = JniUtils.reshape(ohwi, new long[] {s[0], s[2] * s[3] * s[1]});
    PtNDArray shaped = JniUtils.reshape(copy, new long[] {s[0], s[2], s[3], s[1]});
    PtNDArray result = JniUtils.permute(shaped, new long[] {0, 3, 1, 2});
    // the result shares the copy's storage (libtorch counts references); the handles can go
    ohwi.close();
    copy.close();
    shaped.close();
    return result;
  }

  /**
   * A copy of a dense weight over (channels, h, w)-ordered features with its columns in (h, w,
   * channels) order, so that it takes the flattened channels-last activations.
   */
  static PtNDArray featuresInHwcOrder(PtNDArray weight, long channels, long h, long w) {
    long units = weight.getShape().get(0);
    PtNDArray uchw = JniUtils.reshape(weight, new long[] {units, channels, h, w});
    PtNDArray uhwc = JniUtils.permute(uchw, new long[] {0, 2, 3, 1});
    PtNDArray result = JniUtils.reshape(uhwc, new long[] {units, -1});
    uchw.close();
    uhwc.close();
    return result;
  }
}
