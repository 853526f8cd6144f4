package dev.recur.jmh;

import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link GemmBenchmark} at {@code W2}'s sizes (17.2 GFLOP a product), vectorised kernels only by
 * default: the reference product takes several seconds there ({@code -p kernels=REFERENCE} still
 * runs it). Score: products per second; {@code :gflop}: GFLOP/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmLargeBenchmark {

    /** The product; see {@link GemmShape}. */
    @Param({"PROJ_8192x2048x512", "DW_2048x512x8192"})
    public GemmShape shape;

    /** The kernels. */
    @Param({"VECTOR", "VECTOR_2T"})
    public KernelChoice kernels;

    private GemmCase gemm;

    /** Allocates and fills the operands; packs {@code B} for the packed forms. */
    @Setup(Level.Trial)
    public void setup() {
        gemm = new GemmCase(shape, kernels);
    }

    /** One product. */
    @Benchmark
    public float[] gemm(Flops counters) {
        counters.gflop += gemm.gflop;
        return gemm.run();
    }
}
