package dev.recur.nn.sequence;

import dev.recur.nn.Activations;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.GemmTuning;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fast path on shapes large enough that products are split over two threads and the hidden
 * size is not a multiple of the vector width: equal to the reference within 1e-12 × the largest
 * magnitude in float64, and bit-identical between one and two threads in float32 and float64.
 */
class FastPathRandomTest {

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void fastMatchesReferenceAndThreadCountDoesNotMatter(CellKind kind) {
        fastMatchesReferenceAndThreadCountDoesNotMatter(RecurrentConfig.builder(kind, 37, 45).layers(2)
                .bidirectional(true).projSize(kind == CellKind.LSTM ? 21 : 0).build());
    }

    /**
     * The LSTM without a projection, where on two threads each thread takes its range of rows
     * through every step, forward and back ({@code Cell.forwardRange}, {@code Cell.backwardRange}),
     * instead of splitting the rows step by step.
     */
    @Test
    void lstmWithoutProjectionMatchesReferenceAndThreadCountDoesNotMatter() {
        fastMatchesReferenceAndThreadCountDoesNotMatter(RecurrentConfig.builder(CellKind.LSTM, 37, 45).layers(2)
                .bidirectional(true).build());
    }

    private static void fastMatchesReferenceAndThreadCountDoesNotMatter(RecurrentConfig config) {
        // an odd and an even step count: a row range alternates the carry buffers itself, and the
        // cache's two end swapped after an odd count only
        for (int nt : new int[] {19, 20}) {
            fastMatchesReferenceAndThreadCountDoesNotMatter(config, nt);
        }
    }

    private static void fastMatchesReferenceAndThreadCountDoesNotMatter(RecurrentConfig config, int nt) {
        int nb = 17;
        int[] lengths = new int[nb];
        for (int b = 0; b < nb; b++) {
            lengths[b] = 1 + (b * 7) % nt;
        }
        lengths[3] = nt;
        List<double[]> reference = run(config, Precision.F64.reference(), nt, nb, lengths);
        List<double[]> fast = run(config, Precision.F64, nt, nb, lengths);
        List<double[]> fast2 = run(config, Precision.F64.withThreads(2), nt, nb, lengths);
        assertNearReference(reference, fast, "");
        for (int t = 0; t < reference.size(); t++) {
            assertArrayEquals(fast.get(t), fast2.get(t), "float64, 1 vs 2 threads, tensor " + t);
        }
        List<double[]> f1 = run(config, Precision.F32, nt, nb, lengths);
        List<double[]> f2 = run(config, Precision.F32.withThreads(2), nt, nb, lengths);
        for (int t = 0; t < f1.size(); t++) {
            assertArrayEquals(f1.get(t), f2.get(t), "float32, 1 vs 2 threads, tensor " + t);
        }
    }

    /**
     * No {@link GemmTuning} changes a layer's outputs or gradients: deliberately poor blocks (the
     * smallest, 4-row tiles, every product split) and blocks larger than every product give the
     * default's results to the bit, in float32 and float64, on two threads.
     */
    @ParameterizedTest
    @EnumSource(CellKind.class)
    void theTuningChangesNoResult(CellKind kind) {
        RecurrentConfig config = RecurrentConfig.builder(kind, 37, 45).layers(2).bidirectional(true)
                .projSize(kind == CellKind.LSTM ? 21 : 0).build();
        int nt = 19;
        int nb = 17;
        int[] lengths = new int[nb];
        for (int b = 0; b < nb; b++) {
            lengths[b] = 1 + (b * 7) % nt;
        }
        for (Precision<?> p : new Precision<?>[] {Precision.F32.withThreads(2), Precision.F64.withThreads(2)}) {
            List<double[]> expected = run(config, p.withTuning(GemmTuning.DEFAULT), nt, nb, lengths);
            for (GemmTuning t : new GemmTuning[] {new GemmTuning(16, 4, 4, 0, 0), new GemmTuning(8192, 8192, 6, 0, 0),
                    new GemmTuning(16, 4, 4, 0, 1), new GemmTuning(8192, 8192, 6, 0, 1)}) {
                List<double[]> found = run(config, p.withTuning(t), nt, nb, lengths);
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(expected.get(i), found.get(i), p + ", " + t + ", tensor " + i);
                }
            }
        }
    }

    /**
     * A batch too small to give each thread rows of its own (one sequence, as when serving, or
     * three: one group of rows) runs each step's products on the whole team, split by columns. With
     * every product split (threshold 0), one and two threads give the same bits forward and back,
     * and float64 stays within 1e-12 of the reference.
     */
    @ParameterizedTest
    @EnumSource(CellKind.class)
    void aBatchTooSmallForRowRangesSplitsItsProductsByColumns(CellKind kind) {
        RecurrentConfig config = RecurrentConfig.builder(kind, 37, 45).layers(2).bidirectional(true)
                .projSize(kind == CellKind.LSTM ? 21 : 0).build();
        GemmTuning everySplit = new GemmTuning(GemmTuning.DEFAULT.innerBlock(), GemmTuning.DEFAULT.rowBlock(),
                GemmTuning.DEFAULT.tileRows(), 0, GemmTuning.DEFAULT.stripPanels());
        for (int nb : new int[] {1, 3}) {
            for (Precision<?> p : new Precision<?>[] {Precision.F32, Precision.F64}) {
                List<double[]> one = run(config, p.withTuning(everySplit), 7, nb, null);
                List<double[]> two = run(config, p.withThreads(2).withTuning(everySplit), 7, nb, null);
                for (int i = 0; i < one.size(); i++) {
                    assertArrayEquals(one.get(i), two.get(i), p + ", batch " + nb + ", 1 vs 2 threads, tensor " + i);
                }
            }
            List<double[]> reference = run(config, Precision.F64.reference(), 7, nb, null);
            assertNearReference(reference, run(config, Precision.F64.withThreads(2).withTuning(everySplit), 7, nb, null),
                    "batch " + nb + ", ");
        }
    }

    /** Every tensor of {@code fast} within 1e-12 × the largest magnitude in its {@code reference}. */
    private static void assertNearReference(List<double[]> reference, List<double[]> fast, String label) {
        for (int t = 0; t < reference.size(); t++) {
            double[] r = reference.get(t);
            double scale = 0;
            for (double v : r) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < r.length; i++) {
                final double diff = Math.abs(r[i] - fast.get(t)[i]);
                final String at = label + "tensor " + t + ", element " + i;
                assertTrue(diff <= 1e-12 * scale, () -> at + ": |fast - reference| = " + diff);
            }
        }
    }

    /**
     * A NaN parameter (as after a diverged update) reaches the same outputs on both paths, relu
     * included (relu(NaN) is NaN, as in PyTorch), in the vector part of a row and in its scalar
     * tail alike, in float64 and float32: a NaN input bias of unit 0 makes unit 0 NaN at step 0, and
     * every unit after. 45 units are 5 float64 vectors and 5 left over, or 2 float32 vectors and 13.
     */
    @ParameterizedTest
    @EnumSource(CellKind.class)
    void aNaNParameterReachesTheSameOutputsOnBothPaths(CellKind kind) {
        aNaNParameterReachesTheSameOutputsOnBothPaths(kind, Precision.F64);
        aNaNParameterReachesTheSameOutputsOnBothPaths(kind, Precision.F32);
    }

    private static <A> void aNaNParameterReachesTheSameOutputsOnBothPaths(CellKind kind, Precision<A> pr) {
        RecurrentConfig config = RecurrentConfig.builder(kind, 5, 45).build();
        int nt = 3;
        int nb = 2;
        double[] reference = runWithNaNBias(config, pr.reference(), nt, nb).get(0);
        double[] fast = runWithNaNBias(config, pr, nt, nb).get(0);
        for (int t = 0; t < nt; t++) {
            for (int b = 0; b < nb; b++) {
                for (int j = 0; j < 45; j++) {
                    int i = (t * nb + b) * 45 + j;
                    boolean poisoned = t >= 1 || j == 0;
                    String at = kind + " " + pr + " step " + t + ", sequence " + b + ", unit " + j;
                    assertEquals(poisoned, Double.isNaN(reference[i]), "reference, " + at);
                    assertEquals(poisoned, Double.isNaN(fast[i]), "fast path, " + at);
                }
            }
        }
    }

    /**
     * The backward pass keeps a NaN where the reference does, and only there. At one step, the NaN
     * input bias of unit 0 poisons unit 0's gates only: the rows of the weight gradients that belong
     * to those gates are NaN and the other rows finite, while the input and initial-state gradients,
     * which sum over every gate, are NaN throughout. At three steps the carried gradient spreads it.
     */
    @ParameterizedTest
    @EnumSource(CellKind.class)
    void aNaNParameterPoisonsTheSameGradientsOnBothPaths(CellKind kind) {
        RecurrentConfig config = RecurrentConfig.builder(kind, 5, 45).build();
        for (Precision<?> pr : List.of(Precision.F64, Precision.F32)) {
            for (int nt : new int[] {1, 3}) {
                sameNaNs(kind, config, pr, nt);
            }
        }
    }

    private static <A> void sameNaNs(CellKind kind, RecurrentConfig config, Precision<A> pr, int nt) {
        List<double[]> reference = runWithNaNBias(config, pr.reference(), nt, 2);
        List<double[]> fast = runWithNaNBias(config, pr, nt, 2);
        int finite = 0;
        for (int t = 0; t < reference.size(); t++) {
            double[] r = reference.get(t);
            for (int i = 0; i < r.length; i++) {
                final String at = kind + " " + pr + ", " + nt + " steps, tensor " + t + ", element " + i;
                assertEquals(Double.isNaN(r[i]), Double.isNaN(fast.get(t)[i]), () -> "NaN on one path only: " + at);
                finite += Double.isNaN(r[i]) ? 0 : 1;
            }
        }
        if (nt == 1) {
            // the pattern is not all or nothing: the weight gradients' other rows stay finite
            assertTrue(finite > 0, kind + " " + pr + ": no finite gradient at one step");
        }
    }

    /** {@link #run} with the input bias of unit 0 (its first gate) set to NaN before the forward pass. */
    private static <A> List<double[]> runWithNaNBias(RecurrentConfig config, Precision<A> pr, int nt, int nb) {
        return run(config, pr, nt, nb, null, layer -> {
            A bias = layer.params(0, 0).biasIh().value();
            double[] values = pr.toDoubles(bias);
            values[0] = Double.NaN;
            pr.kernels().copy(pr.fromDoubles(values), 0, bias, 0, values.length);
        });
    }

    /** Output, final state, input gradients and every parameter gradient, as doubles. */
    private static <A> List<double[]> run(RecurrentConfig config, Precision<A> pr, int nt, int nb, int[] lengths) {
        return run(config, pr, nt, nb, lengths, layer -> { });
    }

    /** {@link #run}, with {@code edit} applied to the new layer's parameters first. */
    private static <A> List<double[]> run(RecurrentConfig config, Precision<A> pr, int nt, int nb, int[] lengths,
                                          Consumer<SequenceLayer<A>> edit) {
        SplittableRandom rng = new SplittableRandom(42);
        SequenceLayer<A> layer = SequenceLayer.create(config, pr, 7);
        edit.accept(layer);
        int nd = config.directions();
        A x = pr.fromDoubles(random(rng, nt * nb * config.inputSize()));
        A dy = pr.fromDoubles(random(rng, nt * nb * nd * config.outputSize()));
        A h0 = pr.fromDoubles(random(rng, config.numLayers() * nd * nb * config.outputSize()));
        A c0 = config.cell().hasCellState()
                ? pr.fromDoubles(random(rng, config.numLayers() * nd * nb * config.hiddenSize())) : null;
        // a gradient for the final state too, which the backward pass starts its carries from
        A dhN = pr.fromDoubles(random(rng, config.numLayers() * nd * nb * config.outputSize()));
        A dcN = config.cell().hasCellState()
                ? pr.fromDoubles(random(rng, config.numLayers() * nd * nb * config.hiddenSize())) : null;
        SequenceOutput<A> out = layer.forward(Activations.sequence(x, nt, nb, layer.config().inputSize(), lengths), new State<>(h0, c0), false);
        layer.zeroGrad();
        InputGradients<A> g = layer.backward(out.tape(), dy, new State<>(dhN, dcN));
        List<double[]> r = new ArrayList<>();
        r.add(pr.toDoubles(out.output()));
        r.add(pr.toDoubles(out.finalState().h()));
        r.add(pr.toDoubles(g.dx()));
        r.add(pr.toDoubles(g.initialState().h()));
        if (c0 != null) {
            r.add(pr.toDoubles(out.finalState().c()));
            r.add(pr.toDoubles(g.initialState().c()));
        }
        for (Parameter<A> p : layer.parameters()) {
            r.add(pr.toDoubles(p.grad()));
        }
        return r;
    }

    private static double[] random(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextDouble(-1, 1);
        }
        return v;
    }
}
