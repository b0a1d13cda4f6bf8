package org.mniststream.model;

import java.util.ArrayList;
import java.util.List;
import org.mniststream.schemas.InputContract;

/** Factory and validation of {@link InputContract}s: what serving must do to pixels. */
public final class InputContracts {
  /** The only resize method the product implements: MNIST's own (fit 20x20, centre of mass). */
  public static final String RESIZE_MNIST = "mnist-fit20-com";

  /** MNIST's mean and standard deviation of pixel/255 over the 60k training images. */
  public static final float MNIST_MEAN = 0.1307f;

  public static final float MNIST_STD = 0.3081f;

  private InputContracts() {}

  /** The seed's preprocessing: 28x28 grayscale, pixels / 255, no standardization. */
  public static InputContract scaledToUnit() {
    return contract(0f, 1f);
  }

  /** Pixels / 255, then standardized with the given mean and standard deviation. */
  public static InputContract standardized(float mean, float std) {
    return contract(mean, std);
  }

  private static InputContract contract(float mean, float std) {
    return InputContract.newBuilder()
        .setHeight(28)
        .setWidth(28)
        .setChannels(1)
        .setScale(1f / 255f)
        .setMean(mean)
        .setStd(std)
        .setResize(RESIZE_MNIST)
        .build();
  }

  /** Every reason this contract cannot be served by this code; empty when it can. */
  public static List<String> problems(InputContract c) {
    List<String> problems = new ArrayList<>();
    if (c.getHeight() != 28 || c.getWidth() != 28) {
      problems.add("input must be 28x28, contract says " + c.getHeight() + "x" + c.getWidth());
    }
    if (c.getChannels() != 1) {
      problems.add("input must have 1 channel, contract says " + c.getChannels());
    }
    if (!(c.getScale() > 0f) || !Float.isFinite(c.getScale())) {
      problems.add("scale must be a finite positive number, contract says " + c.getScale());
    }
    if (!Float.isFinite(c.getMean())) {
      problems.add("mean must be finite, contract says " + c.getMean());
    }
    if (!(c.getStd() > 0f) || !Float.isFinite(c.getStd())) {
      problems.add("std must be a finite positive number, contract says " + c.getStd());
    }
    if (!RESIZE_MNIST.equals(c.getResize())) {
      problems.add("unknown resize method '" + c.getResize() + "' (known: " + RESIZE_MNIST + ")");
    }
    return problems;
  }
}
