package org.mniststream.trainer.training;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.mniststream.model.Architecture;
import org.mniststream.model.ModelVersions;
import org.mniststream.schemas.InputContract;

/**
 * The layers of a network, each with its output shape and parameter count, like Keras's {@code
 * model.summary()}.
 *
 * @param architecture the architecture id
 * @param inputShape one image's input shape (channels, height, width)
 * @param layers the top-level layers in order
 * @param totalParameters scalar parameters of the whole network (225,034 for the CNN)
 */
public record ModelSummary(
    String architecture, List<Long> inputShape, List<Layer> layers, long totalParameters) {

  /**
   * One layer.
   *
   * @param name the layer's type (e.g. Conv2d) or, for a function layer, its name
   * @param outputShape output shape for one image, without the batch dimension
   * @param parameters scalar parameters of the layer
   */
  public record Layer(String name, List<Long> outputShape, long parameters) {}

  public ModelSummary {
    inputShape = List.copyOf(inputShape);
    layers = List.copyOf(layers);
  }

  /** Summarizes an initialized network. */
  public static ModelSummary of(Architecture architecture, Block block, InputContract contract) {
    Shape[] shapes = {
      Architecture.inputShape(1, contract.getChannels(), contract.getHeight(), contract.getWidth())
    };
    List<Long> input = withoutBatch(shapes[0]);
    List<Layer> layers = new ArrayList<>();
    for (Pair<String, Block> child : block.getChildren()) {
      Block layer = child.getValue();
      shapes = layer.getOutputShapes(shapes);
      long parameters =
          layer.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
      layers.add(new Layer(layerName(layer), withoutBatch(shapes[0]), parameters));
    }
    return new ModelSummary(architecture.id(), input, layers, ModelVersions.parameterCount(block));
  }

  private static String layerName(Block layer) {
    if (layer instanceof LambdaBlock lambda) {
      String name = lambda.getName();
      return LambdaBlock.DEFAULT_NAME.equals(name) ? "Lambda" : name;
    }
    return layer.getClass().getSimpleName();
  }

  private static List<Long> withoutBatch(Shape shape) {
    return Arrays.stream(shape.getShape()).skip(1).boxed().toList();
  }

  /** A table for the console. */
  public String format() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(Locale.ROOT, "Model: %s, input %s%n", architecture, shapeText(inputShape)));
    String rule = "-".repeat(58) + System.lineSeparator();
    out.append(rule);
    out.append(
        String.format(
            Locale.ROOT, "%-3s %-20s %-20s %12s%n", "#", "Layer", "Output shape", "Param #"));
    out.append(rule);
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      out.append(
          String.format(
              Locale.ROOT,
              "%-3d %-20s %-20s %,12d%n",
              i + 1,
              layer.name(),
              shapeText(layer.outputShape()),
              layer.parameters()));
    }
    out.append(rule);
    out.append(String.format(Locale.ROOT, "Total params: %,d%n", totalParameters));
    return out.toString();
  }

  private static String shapeText(List<Long> shape) {
    return shape.stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
  }
}
