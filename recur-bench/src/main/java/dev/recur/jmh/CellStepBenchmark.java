package dev.recur.jmh;

import dev.recur.nn.recurrent.Cell;
import dev.recur.nn.recurrent.CellCache;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.recurrent.CellParams;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.Arrays;
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
 * One time step of a recurrent cell for a whole batch, float32, driven through
 * {@link Cell#forward} / {@link Cell#backward} on a one-step {@link CellCache} exactly as
 * {@code SequenceLayer} drives it: the vectorised cell on the vectorised kernels against the
 * reference cell on the reference kernels.
 *
 * <p>What a step does (and so what is timed): forward, the recurrent product
 * {@code h_{t-1}·W_hhᵀ} ({@code 2·B·H·G·H} FLOPs, {@code W_hh} packed beforehand, as per
 * sequence), the bias, the gate nonlinearities and the state update; backward, the gate
 * derivatives and {@code dh_{t-1} = da·W_hh} (another {@code 2·B·G·H·H}). The input projection
 * and the weight gradients are not part of a step: the layer does them for all steps at once
 * (see {@link GemmBenchmark}). The {@code :gflop} secondary result counts only those products
 * ({@code 2·B·G·H²} per direction), so it shows how close a step comes to its matrix product.
 *
 * <p>Each {@code forward} call first restores the step's input projection (the forward overwrites
 * it with the gate activations): one copy of {@code B·G·H} floats, about 1% of the step. Each
 * {@code backward} call first restores the carried gradients {@code dh} (and {@code dc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CellStepBenchmark {

    /** The cell. */
    @Param({"LSTM", "GRU", "RNN_TANH"})
    public CellKind cell;

    /** The kernels (and with them the cell: vectorised or reference). */
    @Param({"REFERENCE", "VECTOR", "VECTOR_2T"})
    public KernelChoice kernels;

    /** {@code B}. */
    @Param("32")
    public int batch;

    /** {@code H}. */
    @Param("256")
    public int hidden;

    private Kernels<float[]> k;
    private Cell<float[]> step;
    private CellParams<float[]> params;
    private CellCache<float[]> cache;
    private boolean[] active;
    private float[] projection;
    private float[] dhSeed;
    private float[] dcSeed;
    private double forwardGflop;
    private double backwardGflop;

    /** Builds the weights (a one-layer {@code SequenceLayer}), the one-step cache and its inputs; runs one forward step. */
    @Setup(Level.Trial)
    public void setup() {
        Precision<float[]> precision = kernels.precision();
        k = precision.kernels();
        RecurrentConfig config = RecurrentConfig.builder(cell, hidden, hidden).build();
        params = SequenceLayer.create(config, precision, 42).params(0, 0);
        step = Cell.of(cell, precision);
        cache = new CellCache<>(k, cell, 1, batch, hidden, hidden);
        cache.prepareForward(params);
        cache.prepareBackward(params, cell);
        active = new boolean[batch];
        Arrays.fill(active, true);
        int ng = cell.gates() * hidden;
        projection = Data.uniform(batch * ng, 3);
        k.copy(Data.uniform(batch * hidden, 4), 0, cache.states, cache.stateOffset(0), batch * hidden);
        if (cell.hasCellState()) {
            k.copy(Data.uniform(batch * hidden, 5), 0, cache.cells, cache.cellOffset(0), batch * hidden);
        }
        dhSeed = Data.uniform(batch * hidden, 6);
        dcSeed = cell.hasCellState() ? Data.uniform(batch * hidden, 7) : null;
        forwardGflop = 2.0 * batch * hidden * ng / 1e9;
        backwardGflop = forwardGflop;
        forward(new Flops());   // leaves the activations that backward() reads
    }

    /** One forward step: {@code h_1} (and {@code c_1}) from {@code h_0}, {@code c_0} and the input projection. */
    @Benchmark
    public float[] forward(Flops counters) {
        k.copy(projection, 0, cache.gateValues, 0, projection.length);
        step.forward(params, cache, 0, 0, 1, active);
        counters.gflop += forwardGflop;
        return cache.states;
    }

    /** One backward step: gate gradients, {@code dh_0} (and {@code dc_0}) from the carried {@code dh_1}, {@code dc_1}. */
    @Benchmark
    public float[] backward(Flops counters) {
        k.copy(dhSeed, 0, cache.dh, 0, dhSeed.length);
        if (dcSeed != null) {
            k.copy(dcSeed, 0, cache.dc, 0, dcSeed.length);
        }
        step.backward(params, cache, 0, 0, 1, active);
        cache.swapHiddenGrads();
        counters.gflop += backwardGflop;
        return cache.dh;
    }

    /** One forward step then its backward step. */
    @Benchmark
    public float[] forwardBackward(Flops counters) {
        forward(counters);
        return backward(counters);
    }
}
