package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.nn.FiniteDifference;
import dev.recur.tensor.Precision;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every loss's gradient against fourth-order central differences of its value in float64
 * ({@link FiniteDifference}, max relative error 1e-6): one step of one sequence, one row per
 * sequence, one row per step with lengths (padding rows hold ids or values that must not matter),
 * class weights, label smoothing, an ignore index, pos_weight, both reductions.
 */
class LossGradientTest {

    private static final Precision<double[]> F64 = Precision.F64;

    /** Checks {@code loss} at {@code output} (whose values array the differences perturb). */
    private static void check(FiniteDifference fd, String name, Loss loss, Activations<double[]> output,
                              Targets targets) {
        double[] z = output.values();
        double[] analytic = new double[z.length];
        java.util.Arrays.fill(analytic, Double.NaN);   // every element must be written
        loss.compute(F64, output, targets, analytic);
        fd.check(name + " " + loss.reduction().id(), z, analytic, () -> loss.compute(F64, output, targets, null).value());
    }

    /** {@code n} ids in {@code 0..classes-1}. */
    private static int[] ids(SplittableRandom rng, int n, int classes) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rng.nextInt(classes);
        }
        return t;
    }

    /** The ids with every -100 replaced by {@code ignore}: ignored rows of a loss whose ignore index is a class. */
    private static int[] withIgnoreIndex(int[] ids, int ignore) {
        int[] out = ids.clone();
        for (int r = 0; r < out.length; r++) {
            if (out[r] == Targets.IGNORE_INDEX) {
                out[r] = ignore;
            }
        }
        return out;
    }

    /** Per-step lengths [4, 2, 3] over T = 4, B = 3: the padded rows t*3 + b. */
    private static final int[] LENGTHS = {4, 2, 3};
    private static final int[] PADDED = {7, 10, 11};

    @Test
    void crossEntropy() {
        SplittableRandom rng = new SplittableRandom(31);
        FiniteDifference fd = new FiniteDifference();
        double[] weights = {0.5, 2, 0, 1.5, 1};
        for (Reduction red : Reduction.values()) {
            CrossEntropy plain = CrossEntropy.builder().reduction(red).build();
            CrossEntropy weighted = CrossEntropy.builder().classWeights(weights).reduction(red).build();
            CrossEntropy smoothed = CrossEntropy.builder().labelSmoothing(0.2).reduction(red).build();
            CrossEntropy both = CrossEntropy.builder().classWeights(weights).labelSmoothing(0.35).reduction(red).build();
            CrossEntropy classIgnored = CrossEntropy.builder().classWeights(weights).labelSmoothing(0.1)
                    .ignoreIndex(3).reduction(red).build();

            // T = 1, B = 1
            Activations<double[]> one = Activations.sequence(FiniteDifference.uniform(rng, 5, 3), 1, 1, 5);
            for (CrossEntropy ce : new CrossEntropy[] {plain, weighted, smoothed, both}) {
                check(fd, "T=1 B=1 " + ce, ce, one, new Targets.Classes(new int[] {3}));
            }

            // one row per sequence, with ignored rows
            Activations<double[]> seq = Activations.perSequence(FiniteDifference.uniform(rng, 6 * 5, 3), 6, 5);
            int[] t = {0, Targets.IGNORE_INDEX, 2, 3, 4, 1};
            for (CrossEntropy ce : new CrossEntropy[] {plain, weighted, smoothed, both, classIgnored}) {
                check(fd, "per sequence " + ce, ce, seq, new Targets.Classes(withIgnoreIndex(t, ce.ignoreIndex())));
            }

            // one row per step with lengths: padded rows hold -100, or ids that are not even classes
            Activations<double[]> steps = Activations.sequence(FiniteDifference.uniform(rng, 12 * 5, 3), 4, 3, 5,
                    LENGTHS);
            int[] ts = ids(rng, 12, 5);
            ts[1] = Targets.IGNORE_INDEX;
            for (int r : PADDED) {
                ts[r] = r == 7 ? Targets.IGNORE_INDEX : 99;
            }
            for (CrossEntropy ce : new CrossEntropy[] {plain, weighted, smoothed, both, classIgnored}) {
                check(fd, "per step " + ce, ce, steps, new Targets.Classes(withIgnoreIndex(ts, ce.ignoreIndex())));
            }
        }
        fd.assertPassed("cross-entropy");
    }

    @Test
    void binaryCrossEntropy() {
        SplittableRandom rng = new SplittableRandom(32);
        FiniteDifference fd = new FiniteDifference();
        for (Reduction red : Reduction.values()) {
            BinaryCrossEntropy plain = BinaryCrossEntropy.builder().reduction(red).build();
            BinaryCrossEntropy weighted = BinaryCrossEntropy.builder().posWeight(new double[] {0.5, 3, 0})
                    .reduction(red).build();
            Activations<double[]> one = Activations.sequence(FiniteDifference.uniform(rng, 3, 4), 1, 1, 3);
            Targets y1 = new Targets.Values(new double[] {1, 0, 0.3}, 3);
            Activations<double[]> seq = Activations.perSequence(FiniteDifference.uniform(rng, 4 * 3, 4), 4, 3);
            Targets ys = soft(rng, 12);
            Activations<double[]> steps = Activations.sequence(FiniteDifference.uniform(rng, 12 * 3, 4), 4, 3, 3,
                    LENGTHS);
            double[] yv = soft(rng, 36).values();
            for (int r : PADDED) {
                java.util.Arrays.fill(yv, r * 3, r * 3 + 3, 7);   // not a probability: must not be read
            }
            Targets yst = new Targets.Values(yv, 3);
            for (BinaryCrossEntropy bce : new BinaryCrossEntropy[] {plain, weighted}) {
                check(fd, "T=1 B=1 " + bce, bce, one, y1);
                check(fd, "per sequence " + bce, bce, seq, ys);
                check(fd, "per step " + bce, bce, steps, yst);
            }
        }
        fd.assertPassed("binary cross-entropy");
    }

    /** Soft labels in [0, 1], three per row, with a hard 0 and 1. */
    private static Targets.Values soft(SplittableRandom rng, int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextDouble();
        }
        y[0] = 0;
        y[n - 1] = 1;
        return new Targets.Values(y, 3);
    }

    @Test
    void lossesOfValues() {
        SplittableRandom rng = new SplittableRandom(33);
        FiniteDifference fd = new FiniteDifference();
        for (Reduction red : Reduction.values()) {
            Loss[] losses = {new MeanSquaredError(red), new L1Loss(red), new HuberLoss(0.6, red),
                    HuberLoss.builder().delta(2.5).reduction(red).build()};
            for (Loss loss : losses) {
                double delta = loss instanceof HuberLoss h ? h.delta() : 0;
                double[] y1 = FiniteDifference.uniform(rng, 2, 2);
                Activations<double[]> one = Activations.sequence(awayFromKinks(rng, y1, delta), 1, 1, 2);
                check(fd, "T=1 B=1 " + loss, loss, one, new Targets.Values(y1, 2));

                double[] ys = FiniteDifference.uniform(rng, 5 * 3, 2);
                Activations<double[]> seq = Activations.perSequence(awayFromKinks(rng, ys, delta), 5, 3);
                check(fd, "per sequence " + loss, loss, seq, new Targets.Values(ys, 3));

                double[] yt = FiniteDifference.uniform(rng, 12 * 2, 2);
                double[] zt = awayFromKinks(rng, yt, delta);
                for (int r : PADDED) {
                    yt[2 * r] = Double.NaN;   // padding targets must not be read
                }
                Activations<double[]> steps = Activations.sequence(zt, 4, 3, 2, LENGTHS);
                check(fd, "per step " + loss, loss, steps, new Targets.Values(yt, 2));
            }
        }
        fd.assertPassed("mse, l1, huber");
    }

    /**
     * Outputs whose errors against {@code y} are at least 0.05 from the kinks of L1 (0) and Huber
     * ({@code ±delta}), so that the differences (steps up to 2e-3) stay on one side; about half the
     * errors fall on each side of {@code delta}.
     */
    private static double[] awayFromKinks(SplittableRandom rng, double[] y, double delta) {
        double[] z = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double e;
            do {
                e = (2 * rng.nextDouble() - 1) * Math.max(3, 2 * delta);
            } while (Math.abs(e) < 0.05 || Math.abs(Math.abs(e) - delta) < 0.05);
            z[i] = y[i] + e;
        }
        return z;
    }
}
