package dev.recur.jmh;

import dev.recur.bench.Workload;
import dev.recur.bench.WorkloadRunner;
import dev.recur.bench.Workloads;
import java.util.List;
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
 * A whole standard workload ({@code workloads.json}) in float32 on the vectorised kernels, through
 * {@link WorkloadRunner}, the code behind {@code recur bench}: {@link #forward} is the recurrent
 * stack in inference mode (weights packed once, buffers reused), {@link #trainStep} adds the
 * linear head, softmax cross-entropy, backward through everything and an SGD update.
 *
 * <p>The score is runs per second; the secondary results are {@code :gflop} (GFLOP/s, with the
 * FLOPs {@code workloads.json} credits: per layer {@code 2·B·T·(in+H)·G·H}, three times that for
 * a train step) and {@code :tokens} ({@code B·T} per run, per second), comparable with the
 * numbers {@code recur bench} prints. {@code workloads.json} defines no train step for the
 * inference-only {@code W6}; {@code trainStep} runs there all the same.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class WorkloadBenchmark {

    /** The workload name, {@code W1} … {@code W7}. */
    @Param("W1")
    public String workload;

    /** Threads for the kernels. */
    @Param({"1", "2"})
    public int threads;

    private WorkloadRunner runner;
    private double forwardGflop;
    private double trainGflop;
    private double tokens;

    /** Builds the stack, head, data and optimizer. */
    @Setup(Level.Trial)
    public void setup() {
        KernelChoice.VECTOR.precision();   // fails fast without the Vector API module
        Workload w = Workloads.select(List.of(workload)).get(0);
        runner = new WorkloadRunner(w, threads, 42);
        forwardGflop = w.flops(Workload.Mode.FORWARD) / 1e9;
        trainGflop = w.flops(Workload.Mode.TRAIN_STEP) / 1e9;
        tokens = w.tokens();
    }

    /** One inference forward pass of the stack. */
    @Benchmark
    public float[] forward(WorkloadCounters counters) {
        counters.gflop += forwardGflop;
        counters.tokens += tokens;
        return runner.forward();
    }

    /** One training step. */
    @Benchmark
    public double trainStep(WorkloadCounters counters) {
        counters.gflop += trainGflop;
        counters.tokens += tokens;
        return runner.trainStep();
    }
}
