package dev.recur.nn.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.recur.nn.Activations;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Passes through a reused {@link Workspace} (whose buffers, the gradients between layers included,
 * keep what the pass before left in them) give exactly what passes through fresh buffers give.
 */
class WorkspaceTest {

    /**
     * Hidden size 130: the LSTM's 520 gate columns make the input-gradient product block its inner
     * dimension (more than 512), and every kind's product has whole vector tiles, an edge tile, and
     * enough work to be split over two threads; dropout with both layers at the same pass count.
     */
    @ParameterizedTest
    @EnumSource(CellKind.class)
    void aSecondPassThroughAWorkspaceEqualsAPassThroughFreshBuffers(CellKind kind) {
        RecurrentConfig config = RecurrentConfig.builder(kind, 5, 130).layers(3).bidirectional(true).dropout(0.3)
                .build();
        for (Precision<double[]> precision : List.of(Precision.F64, Precision.F64.withThreads(2))) {
            check(config, precision, precision.kernels().threads() + " thread(s), float64");
        }
        for (Precision<float[]> precision : List.of(Precision.F32, Precision.F32.withThreads(2))) {
            check(config, precision, precision.kernels().threads() + " thread(s), float32");
        }
    }

    private static <A> void check(RecurrentConfig config, Precision<A> precision, String what) {
        // an odd step count: on two threads each row range alternates the carry buffers itself, and
        // the first backward leaves the workspace's two swapped for the second
        int nt = 7;
        int nb = 9;
        int nout = 2 * config.hiddenSize();
        int[] lengths = {7, 1, 4, 6, 2, 5, 7, 3, 6};
        SplittableRandom rng = new SplittableRandom(11);
        A x1 = precision.fromDoubles(SequenceFixtures.uniform(rng, nt * nb * 5, 1));
        A x2 = precision.fromDoubles(SequenceFixtures.uniform(rng, nt * nb * 5, 1));
        A dy1 = precision.fromDoubles(SequenceFixtures.uniform(rng, nt * nb * nout, 1));
        A dy2 = precision.fromDoubles(SequenceFixtures.uniform(rng, nt * nb * nout, 1));
        SequenceLayer<A> reused = SequenceLayer.create(config, precision, 3);
        SequenceLayer<A> fresh = SequenceLayer.create(config, precision, 3);
        Workspace<A> ws = reused.workspace();
        pass(reused, ws, x1, dy1, nt, nb, null);
        reused.zeroGrad();
        fresh.setDraws(reused.draws());
        List<double[]> got = pass(reused, ws, x2, dy2, nt, nb, lengths);
        List<double[]> want = pass(fresh, null, x2, dy2, nt, nb, lengths);
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i), got.get(i), config.cell() + ", " + what + ": tensor " + i
                    + " (output, dx, the initial state's gradients, then each parameter's gradient)");
        }
    }

    /**
     * Forward and backward, through {@code ws} or (null) fresh buffers: the output, dx, the initial
     * state's gradients and every parameter gradient.
     */
    private static <A> List<double[]> pass(SequenceLayer<A> layer, Workspace<A> ws, A x, A dy, int nt, int nb,
                                           int[] lengths) {
        Precision<A> precision = layer.precision();
        Activations<A> batch = Activations.sequence(x, nt, nb, layer.config().inputSize(), lengths);
        SequenceOutput<A> out = ws == null ? layer.forward(batch, null, true) : layer.forward(batch, null, true, ws);
        List<double[]> result = new ArrayList<>();
        result.add(precision.toDoubles(out.output()));
        InputGradients<A> g = layer.backward(out.tape(), dy, null, true);
        result.add(precision.toDoubles(g.dx()));
        result.add(precision.toDoubles(g.initialState().h()));
        if (g.initialState().c() != null) {
            result.add(precision.toDoubles(g.initialState().c()));
        }
        for (Parameter<A> p : layer.parameters()) {
            result.add(precision.toDoubles(p.grad()));
        }
        return result;
    }
}
