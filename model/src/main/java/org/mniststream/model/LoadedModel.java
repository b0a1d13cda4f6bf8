package org.mniststream.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.mniststream.schemas.AvroBytes;
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
 *
 * <p>Speed: the forward pass is {@link DirectForward} (the block's ops called directly, with a
 * vectorized max-pool), for CNN_V1 in its channels-last form ({@link ChannelsLastForward}; {@code
 * -Dmniststream.inference.layout=nchw} selects the plain one), and inputs are staged in pooled
 * direct buffers. Call {@link EngineTuning#apply()} once at start-up: with libtorch's default
 * threading, concurrent callers stall each other. See docs/BENCHMARKS.md.
 */
public final class LoadedModel implements AutoCloseable {
  /**
   * Largest forward pass; bigger batches run in chunks of this size. Bounds the native memory of a
   * call (CNN_V1's first activation is 86 KB per image: 5.5 MB for 64, 22 MB for 256), which keeps
   * each chunk's activations inside glibc's raised mmap threshold ({@link NativeHeapTuning}) and
   * out of the way of the other callers' caches. Throughput per caller is flat from 64 up (JMH,
   * docs/BENCHMARKS.md), so nothing is lost by it.
   */
  static final int CHUNK = 64;

  /**
   * System property choosing CNN_V1's serving layout: {@code channels-last} (the default, {@link
   * ChannelsLastForward}) or {@code nchw} ({@link DirectForward}, bit-exact with the block).
   */
  public static final String LAYOUT_PROPERTY = "mniststream.inference.layout";

  private final ModelVersion metadata;
  private final Architecture architecture;
  private final InputNormalizer normalizer;
  private final Model model;
  private final AtomicInteger references = new AtomicInteger(1);
  private final AtomicBoolean ownerReleased = new AtomicBoolean();
  private final UnaryOperator<PtNDArray> forward;
  private final Queue<ByteBuffer> stagingPool = new ConcurrentLinkedQueue<>();

  private LoadedModel(
      ModelVersion metadata, Architecture architecture, Model model, InputNormalizer normalizer) {
    this.metadata = metadata;
    this.architecture = architecture;
    this.model = model;
    this.normalizer = normalizer;
    this.forward = forwardPass(architecture, model, metadata.getInputContract());
  }

  /** The serving forward pass of {@code model}; see {@link #LAYOUT_PROPERTY}. */
  private static UnaryOperator<PtNDArray> forwardPass(
      Architecture architecture, Model model, InputContract contract) {
    String layout = System.getProperty(LAYOUT_PROPERTY, "channels-last");
    if (!layout.equals("channels-last") && !layout.equals("nchw")) {
      throw new IllegalArgumentException(
          LAYOUT_PROPERTY + " must be channels-last or nchw, not '" + layout + "'");
    }
    if (architecture == Architecture.CNN_V1 && layout.equals("channels-last")) {
      return ChannelsLastForward.prepare(
              model.getBlock(), contract.getHeight(), contract.getWidth(), model.getNDManager())
          ::logits;
    }
    return DirectForward.of(architecture, model.getBlock())::logits;
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
      ModelParameters.load(block, model.getNDManager(), AvroBytes.copyOf(version.getParameters()));
      ModelVersion metadata =
          ModelVersion.newBuilder(version).setParameters(ByteBuffer.allocate(0)).build();
      return new LoadedModel(metadata, architecture, model, normalizer);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Wraps a block trained in this process (the trainer's evaluation path); takes the model over
   * (the block must not be trained further: the serving pass may keep re-laid-out copies of its
   * weights).
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
    float[] probabilities = new float[count * Architecture.CLASSES];
    int chunk = Math.min(count, CHUNK);
    ByteBuffer staging = borrowStaging(chunk * pixels);
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      for (int first = 0; first < count; first += chunk) {
        int n = Math.min(chunk, count - first);
        forward(input, first, n, staging, probabilities);
      }
      return probabilities;
    } finally {
      JniUtils.setGradMode(gradMode);
      stagingPool.offer(staging);
    }
  }

  /**
   * Runs {@code rounds} forward passes at each of {@code batchSizes} on a blank input (every pixel
   * normalized from 0), through {@link #predict} itself, so that the first real batches do not pay
   * the first-call costs: libtorch's and oneDNN's per-shape kernel selection and allocator growth,
   * and the JVM running this path in the interpreter. Every array of a pass is freed before the
   * next (as in {@code predict}); what stays is a pooled staging buffer, which real batches reuse.
   * Whether a warm-up on one thread also warms the others is measured in docs/BENCHMARKS.md ("Cold
   * start").
   *
   * @return the nanoseconds it took
   */
  public long warmUp(int rounds, int... batchSizes) {
    long started = System.nanoTime();
    int largest = 0;
    for (int size : batchSizes) {
      if (size < 1) {
        throw new IllegalArgumentException("warm-up batch sizes must be >= 1, got " + size);
      }
      largest = Math.max(largest, size);
    }
    int pixels = normalizer.pixelsPerImage();
    float[] input = normalizer.normalizeAll(new byte[largest * pixels], 0, largest);
    for (int round = 0; round < rounds; round++) {
      for (int size : batchSizes) {
        predict(input, size);
      }
    }
    return System.nanoTime() - started;
  }

  /** Images {@code [first, first + n)} of {@code input} into rows of {@code out}. */
  private void forward(float[] input, int first, int n, ByteBuffer staging, float[] out) {
    int pixels = normalizer.pixelsPerImage();
    staging.clear();
    staging.asFloatBuffer().put(input, first * pixels, n * pixels);
    staging.limit(n * pixels * Float.BYTES);
    // the input tensor aliases the staging buffer (DJL does not copy a direct buffer), so the
    // buffer is reused only after the sub-manager has freed every tensor of this chunk
    try (NDManager chunk = model.getNDManager().newSubManager()) {
      PtNDArray x = (PtNDArray) chunk.create(staging, inputShape(n), DataType.FLOAT32);
      float[] p = JniUtils.softmax(forward.apply(x), 1, DataType.FLOAT32).toFloatArray();
      System.arraycopy(p, 0, out, first * Architecture.CLASSES, p.length);
    }
  }

  /**
   * A direct buffer for {@code values} floats. Heap arrays would make DJL allocate (and zero) a new
   * direct buffer per call, whose native memory is only reclaimed by a GC of the small Java object
   * that owns it; pooled buffers make the input copy the only per-call cost. The pool never holds
   * more buffers than there were concurrent callers.
   */
  private ByteBuffer borrowStaging(int values) {
    ByteBuffer b = stagingPool.poll();
    if (b == null || b.capacity() < values * Float.BYTES) {
      // cache-line aligned like libtorch's own allocations (malloc only promises 16 bytes)
      b =
          ByteBuffer.allocateDirect(values * Float.BYTES + 63)
              .alignedSlice(64)
              .order(ByteOrder.nativeOrder());
    }
    return b;
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
}
