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
 * The float32 matrix product ({@code Kernels.gemm}) at the shapes a recurrent layer runs, on the
 * reference kernels, the vectorised kernels on one thread, and the vectorised kernels on two
 * threads. One benchmark operation is one product of {@link GemmShape#flops() 2·m·n·k} FLOPs; the
 * score is products per second, and the secondary result {@code :gflop} is GFLOP/s.
 *
 * <p>The shapes whose reference product takes seconds ({@code W2}'s) are in
 * {@link GemmLargeBenchmark}, which runs only the vectorised kernels by default.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** The product; see {@link GemmShape}. */
    @Param({"STEP_B1_H512", "STEP_B32_H256", "STEP_B64_H512", "STEP_BACK_B32_H256",
            "PROJ_3200x1024x128", "DW_1024x128x3200", "DW_1024x256x3200", "DX_3200x128x1024"})
    public GemmShape shape;

    /** The kernels. */
    @Param({"REFERENCE", "VECTOR", "VECTOR_2T"})
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
