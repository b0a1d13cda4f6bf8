package org.mniststream.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.Optional;

/**
 * The networks the product knows, by architecture id. The id travels in every {@code ModelVersion},
 * and the stream app rebuilds exactly this network before loading the parameters, so a rollout can
 * switch architectures without redeploying anything.
 *
 * <p>Both networks emit logits; softmax is applied by the loss in training and by {@link
 * LoadedModel} at inference.
 */
public enum Architecture {
  /**
   * The seed's CNN: Conv 32 3x3 relu, max-pool 2, Conv 64 3x3 relu, max-pool 2, flatten, Dense 128
   * relu, Dense 10. 225,034 parameters.
   */
  CNN_V1("cnn-v1") {
    @Override
    public Block newBlock() {
      // relu and max-pool commute; pooling first quarters the relu work (same result, bit for bit)
      return new SequentialBlock()
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(32).build())
          .add(Pool.maxPool2dBlock(new Shape(2, 2)))
          .add(Activation::relu)
          .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(64).build())
          .add(Pool.maxPool2dBlock(new Shape(2, 2)))
          .add(Activation::relu)
          .add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(128).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(10).build());
    }
  },
  /** The seed's fully-connected alternative: 784-128-64-10 with relu. 109,386 parameters. */
  MLP_V1("mlp-v1") {
    @Override
    public Block newBlock() {
      return new SequentialBlock()
          .add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(128).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(64).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(10).build());
    }
  };

  /** Number of classes every architecture predicts. */
  public static final int CLASSES = 10;

  private final String id;

  Architecture(String id) {
    this.id = id;
  }

  /** The stable id written into {@code ModelVersion.architecture}. */
  public String id() {
    return id;
  }

  /** A new, uninitialized network of this architecture. */
  public abstract Block newBlock();

  /** The input shape for a batch of {@code batchSize} images of the given contract size. */
  public static Shape inputShape(long batchSize, int channels, int height, int width) {
    return new Shape(batchSize, channels, height, width);
  }

  /** Looks an architecture up by id ({@code cnn-v1}) or CLI name ({@code cnn}). */
  public static Optional<Architecture> byId(String idOrName) {
    if (idOrName == null) {
      return Optional.empty();
    }
    return Arrays.stream(values())
        .filter(a -> a.id.equals(idOrName) || a.id.equals(idOrName + "-v1"))
        .findFirst();
  }
}
