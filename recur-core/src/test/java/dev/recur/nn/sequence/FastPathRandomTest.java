package dev.recur.nn.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
        for (int t = 0; t < reference.size(); t++) {
            double[] r = reference.get(t);
            double scale = 0;
            for (double v : r) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < r.length; i++) {
                double diff = Math.abs(r[i] - fast.get(t)[i]);
                assertTrue(diff <= 1e-12 * scale, () -> "tensor " + " element: |fast - reference| = " + diff);
            }
            assertArrayEquals(fast.get(t), fast2.get(t), "float64, 1 vs 2 threads, tensor " + t);
        }
        List<double[]> f1 = run(config, Precision.F32, nt, nb, lengths);
        List<double[]> f2 = run(config, Precision.F32.withThreads(2), nt, nb, lengths);
        for (int t = 0; t < f1.size(); t++) {
            assertArrayEquals(f1.get(t), f2.get(t), "float32, 1 vs 2 threads, tensor " + t);
        }
    }

    /**
     * A NaN parameter (as after a diverged update) reaches the same outputs on both paths, relu
     * included (relu(NaN) is NaN, as in PyTorch), in the vector part of a row and in its scalar
     * tail alike: a NaN input bias of unit 0 makes unit 0 NaN at step 0, and every unit after.
     */
    @ParameterizedTest
    @EnumSource(CellKind.class)
    void aNaNParameterReachesTheSameOutputsOnBothPaths(CellKind kind) {
        RecurrentConfig config = RecurrentConfig.builder(kind, 5, 45).build();
        int nt = 3;
        int nb = 2;
        double[] x = random(new SplittableRandom(9), nt * nb * 5);
        double[] reference = forwardWithNaNBias(config, Precision.F64.reference(), x, nt, nb);
        double[] fast = forwardWithNaNBias(config, Precision.F64, x, nt, nb);
        for (int t = 0; t < nt; t++) {
            for (int b = 0; b < nb; b++) {
                for (int j = 0; j < 45; j++) {
                    int i = (t * nb + b) * 45 + j;
                    boolean poisoned = t >= 1 || j == 0;
                    String at = kind + " step " + t + ", sequence " + b + ", unit " + j;
                    assertEquals(poisoned, Double.isNaN(reference[i]), "reference, " + at);
                    assertEquals(poisoned, Double.isNaN(fast[i]), "fast path, " + at);
                }
            }
        }
    }

    private static <A> double[] forwardWithNaNBias(RecurrentConfig config, Precision<A> pr, double[] x, int nt, int nb) {
        SequenceLayer<A> layer = SequenceLayer.create(config, pr, 7);
        Parameter<A> bias = layer.parameters().stream().filter(p -> p.name().equals("bias_ih_l0")).findFirst().orElseThrow();
        double[] values = pr.toDoubles(bias.value());
        values[0] = Double.NaN;
        pr.kernels().copy(pr.fromDoubles(values), 0, bias.value(), 0, values.length);
        return pr.toDoubles(layer.forward(new SequenceBatch<>(pr.fromDoubles(x), nt, nb, null), null, false).output());
    }

    /** Output, final state, input gradients and every parameter gradient, as doubles. */
    private static <A> List<double[]> run(RecurrentConfig config, Precision<A> pr, int nt, int nb, int[] lengths) {
        SplittableRandom rng = new SplittableRandom(42);
        SequenceLayer<A> layer = SequenceLayer.create(config, pr, 7);
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
        SequenceOutput<A> out = layer.forward(new SequenceBatch<>(x, nt, nb, lengths), new State<>(h0, c0), false);
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
