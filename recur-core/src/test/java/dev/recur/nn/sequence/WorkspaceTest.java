package dev.recur.nn.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

    @ParameterizedTest
    @EnumSource(CellKind.class)
    void aSecondPassThroughAWorkspaceEqualsAPassThroughFreshBuffers(CellKind kind) {
        RecurrentConfig config = RecurrentConfig.builder(kind, 5, 7).layers(3).bidirectional(true).build();
        int nt = 6;
        int nb = 9;
        int[] lengths = {6, 1, 4, 6, 2, 5, 6, 3, 6};
        SplittableRandom rng = new SplittableRandom(11);
        double[] x1 = SequenceFixtures.uniform(rng, nt * nb * 5, 1);
        double[] x2 = SequenceFixtures.uniform(rng, nt * nb * 5, 1);
        double[] dy1 = SequenceFixtures.uniform(rng, nt * nb * 2 * 7, 1);
        double[] dy2 = SequenceFixtures.uniform(rng, nt * nb * 2 * 7, 1);
        for (Precision<double[]> precision : List.of(Precision.F64, Precision.F64.withThreads(2))) {
            SequenceLayer<double[]> reused = SequenceLayer.create(config, precision, 3);
            SequenceLayer<double[]> fresh = SequenceLayer.create(config, precision, 3);
            Workspace<double[]> ws = reused.workspace();
            pass(reused, ws, x1, dy1, nt, nb, null);
            reused.zeroGrad();
            List<double[]> got = pass(reused, ws, x2, dy2, nt, nb, lengths);
            List<double[]> want = pass(fresh, null, x2, dy2, nt, nb, lengths);
            for (int i = 0; i < want.size(); i++) {
                assertArrayEquals(want.get(i), got.get(i), kind + ", " + precision.kernels().threads()
                        + " thread(s): tensor " + i + " (output, dx, then each parameter's gradient)");
            }
        }
    }

    /** Forward and backward, through {@code ws} or (null) fresh buffers: the output, dx and every gradient. */
    private static List<double[]> pass(SequenceLayer<double[]> layer, Workspace<double[]> ws, double[] x, double[] dy,
                                       int nt, int nb, int[] lengths) {
        SequenceBatch<double[]> batch = new SequenceBatch<>(x, nt, nb, lengths);
        SequenceOutput<double[]> out = ws == null ? layer.forward(batch, null, true) : layer.forward(batch, null, true, ws);
        List<double[]> result = new ArrayList<>();
        result.add(out.output().clone());
        result.add(layer.backward(out.tape(), dy, null, true).dx());
        for (Parameter<double[]> p : layer.parameters()) {
            result.add(p.grad().clone());
        }
        return result;
    }
}
