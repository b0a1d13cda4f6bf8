package org.mniststream.benchmarks;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.util.concurrent.TimeUnit;
import org.mniststream.model.Architecture;
import org.mniststream.model.EngineTuning;
import org.mniststream.model.InputNormalizer;
import org.mniststream.model.LoadedModel;
import org.mniststream.model.ModelParameters;
import org.mniststream.model.ModelVersions;
import org.mniststream.schemas.ModelVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * In-process inference of one CNN_V1 model (seeded untrained weights: the values do not change the
 * speed) on MNIST-like inputs, two ways in the same run:
 *
 * <ul>
 *   <li><b>naive</b>: DJL's ordinary {@link Predictor} with a {@link NaiveTranslator}, one {@code
 *       predict} call per record, default engine settings: how a newcomer serves a stream;
 *   <li><b>product</b>: {@link LoadedModel#predict(float[], int)}, one call per batch, after the
 *       product's start-up tuning ({@code EngineTuning.apply()}).
 * </ul>
 *
 * <p>The {@code *_bNNN} methods report images/s ({@code Throughput} with {@code
 * OperationsPerInvocation} = batch size, so the score counts images, not calls); for the naive path
 * a "batch" of N is N records, one {@code predict} each. The {@code *Latency} methods report the
 * time one batch takes ({@code SampleTime}, so percentiles too). Each benchmark runs in its own
 * forked JVMs, so the naive forks never see the product's tuning. Two extras: {@code
 * naiveTuned_b001} (the naive path with the product's thread settings: how much is threading alone)
 * and {@code productTwoCallers_b064} (two threads sharing one model, like two stream threads).
 */
@Fork(
    value = 3,
    jvmArgsAppend = {"-Dai.djl.offline=true", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InferenceBenchmark {
  static final long MODEL_SEED = 42;
  static final long INPUT_SEED = 7;

  /** The model the benchmark serves, in the product's version format. */
  static ModelVersion benchmarkModel() {
    return ModelVersions.untrained("bench", 1, Architecture.CNN_V1, MODEL_SEED);
  }

  /** The newcomer's set-up: a Model with the block, its parameters, a Predictor. */
  @State(Scope.Thread)
  public static class Naive {
    Model model;
    Predictor<float[], float[]> predictor;
    float[][] records;

    @Setup(Level.Trial)
    public void setUp() throws MalformedModelException {
      tune();
      ModelVersion version = benchmarkModel();
      model = Model.newInstance("naive", "PyTorch");
      model.setBlock(Architecture.CNN_V1.newBlock());
      ModelParameters.load(model.getBlock(), model.getNDManager(), LoadedModelBytes.of(version));
      predictor = model.newPredictor(new NaiveTranslator());
      records =
          MnistLikeInputs.records(
              new InputNormalizer(version.getInputContract()),
              MnistLikeInputs.MAX_BATCH,
              INPUT_SEED);
    }

    /** Engine settings before anything loads: the newcomer keeps DJL's defaults. */
    void tune() {}

    void classify(int count, Blackhole bh) throws TranslateException {
      for (int i = 0; i < count; i++) {
        bh.consume(predictor.predict(records[i]));
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      predictor.close();
      model.close();
    }
  }

  /** The naive path with the product's thread settings: how much of the gap is threading alone. */
  @State(Scope.Thread)
  public static class NaiveTuned extends Naive {
    @Override
    void tune() {
      EngineTuning.apply();
    }
  }

  /**
   * The product's set-up: start-up tuning, a loaded model, a reused batch buffer. {@code -p
   * layout=nchw,channels-last} compares CNN_V1's serving layouts in one run ({@code
   * LoadedModel.LAYOUT_PROPERTY}).
   */
  @State(Scope.Thread)
  public static class Product {
    @Param({"channels-last"})
    String layout;

    LoadedModel model;
    float[] batch;

    @Setup(Level.Trial)
    public void setUp() throws MalformedModelException {
      System.setProperty(LoadedModel.LAYOUT_PROPERTY, layout);
      EngineTuning.apply();
      model = LoadedModel.load(benchmarkModel(), Architecture.CNN_V1);
      batch = MnistLikeInputs.batch(model.normalizer(), MnistLikeInputs.MAX_BATCH, INPUT_SEED);
    }

    float[] classify(int count) {
      return model.predict(batch, count);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      model.close();
    }
  }

  /** One model shared by all benchmark threads, as the stream threads of one app share it. */
  @State(Scope.Benchmark)
  public static class SharedProduct extends Product {}

  /** Batch sizes of the latency benchmarks. */
  @State(Scope.Thread)
  public static class Size {
    @Param({"1", "8", "32", "64", "256"})
    int batch;
  }

  // ---- images/s --------------------------------------------------------------------------------

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(1)
  public void naive_b001(Naive s, Blackhole bh) throws TranslateException {
    s.classify(1, bh);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(8)
  public void naive_b008(Naive s, Blackhole bh) throws TranslateException {
    s.classify(8, bh);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(32)
  public void naive_b032(Naive s, Blackhole bh) throws TranslateException {
    s.classify(32, bh);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(64)
  public void naive_b064(Naive s, Blackhole bh) throws TranslateException {
    s.classify(64, bh);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(256)
  public void naive_b256(Naive s, Blackhole bh) throws TranslateException {
    s.classify(256, bh);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(1)
  public float[] product_b001(Product s) {
    return s.classify(1);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(8)
  public float[] product_b008(Product s) {
    return s.classify(8);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(32)
  public float[] product_b032(Product s) {
    return s.classify(32);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(64)
  public float[] product_b064(Product s) {
    return s.classify(64);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(256)
  public float[] product_b256(Product s) {
    return s.classify(256);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(1)
  public void naiveTuned_b001(NaiveTuned s, Blackhole bh) throws TranslateException {
    s.classify(1, bh);
  }

  /** Two callers on one shared model, like two Kafka Streams threads (score = both together). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(64)
  @Threads(2)
  public float[] productTwoCallers_b064(SharedProduct s) {
    return s.classify(64);
  }

  // ---- per-batch latency -----------------------------------------------------------------------

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void naiveLatency(Naive s, Size size, Blackhole bh) throws TranslateException {
    s.classify(size.batch, bh);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public float[] productLatency(Product s, Size size) {
    return s.classify(size.batch);
  }
}
