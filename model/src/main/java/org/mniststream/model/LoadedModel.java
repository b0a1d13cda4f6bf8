package org.mniststream.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.mniststream.schemas.InputContract;
import org.mniststream.schemas.ModelVersion;

/**
 * One model version loaded into native memory, ready to classify batches.
 *
 * <p>Ownership: the {@link Model} (and through it the NDManager that holds every parameter) is
 * owned by this object alone. Whoever loads it holds one reference; each batch that uses it takes
 * another with {@link #tryAcquire()} and gives it back with {@link #release()}. {@link #close()}
 * drops the owner's reference, and the native memory is freed when the last reference goes, so a
 * hot swap can retire a model while batches still run on it, and nothing leaks after.
 *
 * <p>Thread-safety: {@link #predict} may be called from many threads at once. The parameters are
 * read-only in inference; every intermediate array of a batch lives in a sub-manager of that call
 * and is freed when the call returns. PyTorch's grad mode is thread-local, so it is switched off
 * per call: no autograd graph is ever recorded while serving.
 */
public final class LoadedModel implements AutoCloseable {
  private final ModelVersion metadata;
  private final Architecture architecture;
  private final InputNormalizer normalizer;
  private final Model model;
  private final Block block;
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicBoolean ownerReleased = new AtomicBoolean();

  private LoadedModel(
      ModelVersion metadata, Architecture architecture, Model model, InputNormalizer normalizer) {
    this.metadata = metadata;
    this.architecture = architecture;
    this.model = model;
    this.block = model.getBlock();
    this.normalizer = normalizer;
  }

  /**
   * Builds the version's network and loads its parameters. Checks nothing else: use {@link
   * ModelVerifier} for anything that came from outside the process.
   */
  public static LoadedModel load(ModelVersion version, Architecture architecture)
      throws MalformedModelException {
    InputNormalizer normalizer = new InputNormalizer(version.getInputContract());
    Model model =
        Model.newInstance(version.getModelName() + "-v" + version.getVersion(), "PyTorch");
    try {
      Block block = architecture.newBlock();
      model.setBlock(block);
      ModelParameters.load(block, model.getNDManager(), bytes(version.getParameters()));
      ModelVersion metadata =
          ModelVersion.newBuilder(version).setParameters(ByteBuffer.allocate(0)).build();
      return new LoadedModel(metadata, architecture, model, normalizer);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Wraps a block trained in this process (the trainer's evaluation path); takes the model over.
   */
  public static LoadedModel wrap(ModelVersion metadata, Architecture architecture, Model model) {
    return new LoadedModel(
        metadata, architecture, model, new InputNormalizer(metadata.getInputContract()));
  }

  /** The version's metadata, without the parameter bytes. */
  public ModelVersion metadata() {
    return metadata;
  }

  public String name() {
    return metadata.getModelName();
  }

  public long version() {
    return metadata.getVersion();
  }

  public Architecture architecture() {
    return architecture;
  }

  public InputContract inputContract() {
    return metadata.getInputContract();
  }

  public InputNormalizer normalizer() {
    return normalizer;
  }

  /**
   * Classifies {@code count} normalized images laid out one after another in {@code input} (which
   * may be longer: a reused buffer). Returns {@code count * 10} softmax probabilities, row per
   * image.
   */
  public float[] predict(float[] input, int count) {
    int pixels = normalizer.pixelsPerImage();
    if (count <= 0 || input.length < count * pixels) {
      throw new IllegalArgumentException(
          "need " + count + " images of " + pixels + " values, buffer has " + input.length);
    }
    InputContract c = metadata.getInputContract();
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager batch = model.getNDManager().newSubManager()) {
      NDArray x =
          batch.create(
              FloatBuffer.wrap(input, 0, count * pixels),
              Architecture.inputShape(count, c.getChannels(), c.getHeight(), c.getWidth()));
      NDList out = block.forward(new ParameterStore(batch, false), new NDList(x), false);
      return out.singletonOrThrow().softmax(1).toFloatArray();
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  /** Expected shape of a batch input, for callers that build their own NDArrays. */
  public Shape inputShape(int count) {
    InputContract c = metadata.getInputContract();
    return Architecture.inputShape(count, c.getChannels(), c.getHeight(), c.getWidth());
  }

  /** Takes a reference for one batch; false when the model is already freed. */
  public boolean tryAcquire() {
    while (true) {
      int n = references.get();
      if (n == 0) {
        return false;
      }
      if (references.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Gives back a reference taken with {@link #tryAcquire()}; the last one frees native memory. */
  public void release() {
    int n = references.decrementAndGet();
    if (n == 0) {
      model.close();
    } else if (n < 0) {
      throw new IllegalStateException("released more often than acquired: " + this);
    }
  }

  /** True once native memory is freed. */
  public boolean isFreed() {
    return references.get() == 0;
  }

  /** Drops the owner's reference (idempotent). */
  @Override
  public void close() {
    if (ownerReleased.compareAndSet(false, true)) {
      release();
    }
  }

  @Override
  public String toString() {
    return metadata.getModelName() + " v" + metadata.getVersion() + " (" + architecture.id() + ")";
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
