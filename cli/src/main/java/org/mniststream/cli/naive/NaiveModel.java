package org.mniststream.cli.naive;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import org.mniststream.model.Architecture;
import org.mniststream.model.InputNormalizer;
import org.mniststream.model.ModelParameters;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.InputContract;
import org.mniststream.schemas.ModelVersion;

/**
 * The naive peer's model: a DJL {@link Model} and one {@link Predictor} with the translator a
 * newcomer writes (normalized float[] in, ten probabilities out), built the way DJL's examples do.
 * One owner (the peer's main, or a test) closes it, predictor first. Not thread-safe: DJL's
 * predictor is not, and the peer runs Kafka Streams' default of one stream thread.
 */
public final class NaiveModel implements AutoCloseable {
  private final String name;
  private final long version;
  private final InputNormalizer normalizer;
  private final Model model;
  private final Predictor<float[], float[]> predictor;

  private NaiveModel(ModelVersion metadata, Model model, InputNormalizer normalizer) {
    this.name = metadata.getModelName();
    this.version = metadata.getVersion();
    this.model = model;
    this.normalizer = normalizer;
    this.predictor = model.newPredictor(new ImageTranslator(metadata.getInputContract()));
  }

  /** Builds the version's network and loads its parameters; the caller owns the result. */
  public static NaiveModel load(ModelVersion version) throws MalformedModelException {
    Architecture architecture =
        Architecture.byId(version.getArchitecture())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown architecture '" + version.getArchitecture() + "'"));
    InputNormalizer normalizer = new InputNormalizer(version.getInputContract());
    Model model = Model.newInstance("naive-" + version.getModelName(), "PyTorch");
    try {
      model.setBlock(architecture.newBlock());
      ModelParameters.load(
          model.getBlock(), model.getNDManager(), AvroBytes.copyOf(version.getParameters()));
      return new NaiveModel(version, model, normalizer);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  String name() {
    return name;
  }

  long version() {
    return version;
  }

  InputNormalizer normalizer() {
    return normalizer;
  }

  /** One forward pass for one image; DJL's exception rethrown unchecked, as examples do. */
  float[] predict(float[] normalizedImage) {
    try {
      return predictor.predict(normalizedImage);
    } catch (TranslateException e) {
      throw new IllegalStateException("prediction failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
  }

  /** One image in, softmax out; DJL's default {@code Batchifier.STACK} adds the batch axis. */
  private static final class ImageTranslator implements Translator<float[], float[]> {
    private final Shape imageShape;

    ImageTranslator(InputContract contract) {
      this.imageShape =
          new Shape(contract.getChannels(), contract.getHeight(), contract.getWidth());
    }

    @Override
    public NDList processInput(TranslatorContext ctx, float[] image) {
      return new NDList(ctx.getNDManager().create(image, imageShape));
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
      return list.singletonOrThrow().softmax(0).toFloatArray();
    }
  }
}
