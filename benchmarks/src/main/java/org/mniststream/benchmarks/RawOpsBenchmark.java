package org.mniststream.benchmarks;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mniststream.model.Architecture;
import org.mniststream.model.DirectForward;
import org.mniststream.model.EngineTuning;
import org.mniststream.model.InputNormalizer;
import org.mniststream.model.ModelParameters;
import org.mniststream.schemas.ModelVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor: CNN_V1's forward pass as bare libtorch ops through {@link JniUtils} on the same
 * parameters as {@link InferenceBenchmark} (input copy in, conv, pool, relu, conv, pool, relu,
 * flatten, linear, relu, linear, softmax, copy out). No Block, no ParameterStore, no Predictor.
 *
 * <p>{@code pool=maxPool} uses libtorch's max_pool2d (what DJL's Pool block calls); {@code
 * pool=stridedMax} takes the element-wise maximum of the four strided 2x2 phases instead (the same
 * values; what the product's {@code DirectForward} does). Reports average time per batch; images/s
 * = batch / time. With {@code EngineTuning} applied, like the product path.
 */
@Fork(
    value = 3,
    jvmArgsAppend = {"-Dai.djl.offline=true", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class RawOpsBenchmark {
  private static final Shape ONE = new Shape(1, 1);
  private static final Shape ZERO = new Shape(0, 0);
  private static final Shape POOL = new Shape(2, 2);

  @Param({"1", "8", "32", "64", "256"})
  int batch;

  @Param({"maxPool", "stridedMax"})
  String pool;

  private Model model;
  private PtNDArray[] w;
  private float[] input;

  @Setup(Level.Trial)
  public void setUp() throws MalformedModelException {
    EngineTuning.apply();
    ModelVersion version = InferenceBenchmark.benchmarkModel();
    model = Model.newInstance("raw", "PyTorch");
    model.setBlock(Architecture.CNN_V1.newBlock());
    ModelParameters.load(model.getBlock(), model.getNDManager(), LoadedModelBytes.of(version));
    List<Parameter> params = model.getBlock().getParameters().values();
    w = params.stream().map(p -> (PtNDArray) p.getArray()).toArray(PtNDArray[]::new);
    input =
        MnistLikeInputs.batch(
            new InputNormalizer(version.getInputContract()), batch, InferenceBenchmark.INPUT_SEED);
    JniUtils.setGradMode(false);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    model.close();
  }

  @Benchmark
  public float[] forward() {
    try (NDManager m = model.getNDManager().newSubManager()) {
      PtNDArray x =
          (PtNDArray)
              m.create(FloatBuffer.wrap(input), new Shape(batch, 1, 28, 28), DataType.FLOAT32);
      x = JniUtils.convolution(x, w[0], w[1], ONE, ZERO, ONE, 1);
      x = JniUtils.relu(pool(x));
      x = JniUtils.convolution(x, w[2], w[3], ONE, ZERO, ONE, 1);
      x = JniUtils.relu(pool(x));
      x = JniUtils.reshape(x, new long[] {batch, -1});
      x = JniUtils.relu(JniUtils.linear(x, w[4], w[5]));
      x = JniUtils.linear(x, w[6], w[7]);
      NDArray p = JniUtils.softmax(x, 1, DataType.FLOAT32);
      return p.toFloatArray();
    }
  }

  private PtNDArray pool(PtNDArray x) {
    if ("maxPool".equals(pool)) {
      return JniUtils.maxPool(x, POOL, POOL, ZERO, false);
    }
    return DirectForward.maxPool2x2(x);
  }
}
