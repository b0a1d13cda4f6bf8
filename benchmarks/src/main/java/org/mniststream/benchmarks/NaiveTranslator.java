package org.mniststream.benchmarks;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * The translator a newcomer writes for one MNIST image: float[784] in, 10 probabilities out. The
 * default {@code Batchifier.STACK} adds the batch dimension.
 */
final class NaiveTranslator implements Translator<float[], float[]> {
  @Override
  public NDList processInput(TranslatorContext ctx, float[] image) {
    return new NDList(ctx.getNDManager().create(image, new Shape(1, 28, 28)));
  }

  @Override
  public float[] processOutput(TranslatorContext ctx, NDList list) {
    return list.singletonOrThrow().softmax(0).toFloatArray();
  }
}
