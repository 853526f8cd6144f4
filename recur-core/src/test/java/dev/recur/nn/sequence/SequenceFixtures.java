package dev.recur.nn.sequence;

import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import java.util.List;
import java.util.SplittableRandom;

/** Small helpers shared by the sequence-layer tests. */
final class SequenceFixtures {

    private SequenceFixtures() {
    }

    /** {@code n} draws from U(−scale, scale). */
    static double[] uniform(SplittableRandom rng, int n, double scale) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (2 * rng.nextDouble() - 1) * scale;
        }
        return a;
    }

    /** Largest magnitude in {@code a} (0 for an empty array). */
    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** Largest elementwise difference; the arrays must have the same length. */
    static double maxAbsDiff(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** {@code [T][B]} active mask from lengths (null = all active). */
    static boolean[][] active(int[] lengths, int nt, int nb) {
        boolean[][] a = new boolean[nt][nb];
        for (int t = 0; t < nt; t++) {
            for (int b = 0; b < nb; b++) {
                a[t][b] = lengths == null || t < lengths[b];
            }
        }
        return a;
    }

    /** Copies every parameter value of {@code from} into {@code to} (same configuration shape). */
    static <A> void copyWeights(SequenceLayer<A> from, SequenceLayer<A> to) {
        List<Parameter<A>> src = from.parameters();
        List<Parameter<A>> dst = to.parameters();
        if (src.size() != dst.size()) {
            throw new AssertionError("parameter lists differ: " + src + " vs " + dst);
        }
        for (int i = 0; i < src.size(); i++) {
            from.precision().kernels().copy(src.get(i).value(), 0, dst.get(i).value(), 0, src.get(i).size());
        }
    }

    /** A random initial state for {@code config}, batch {@code nb}; {@code c} only for the LSTM. */
    static State<double[]> randomState(RecurrentConfig config, int nb, SplittableRandom rng, double scale) {
        int rows = config.numLayers() * config.directions();
        double[] h = uniform(rng, rows * nb * config.outputSize(), scale);
        double[] c = config.cell() == CellKind.LSTM ? uniform(rng, rows * nb * config.hiddenSize(), scale) : null;
        return new State<>(h, c);
    }

    static String dir(boolean bidirectional) {
        return bidirectional ? "bi" : "uni";
    }
}
