package dev.recur.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.recur.nn.Activations;
import dev.recur.nn.FiniteDifference;
import dev.recur.nn.Losses;
import dev.recur.tensor.Precision;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The new losses reproduce {@link Losses} bit for bit where they overlap: cross-entropy without
 * smoothing (plain, masked by padding and ignored ids, class-weighted) and the mean squared error,
 * in float64, float32 and float32 on two threads, on 700 rows (three of the blocks of 256 the rows
 * are split into). The character language model's loss goes through the plain path.
 */
class LossBitExactnessTest {

    private static final int ROWS = 700;
    private static final int VOCAB = 37;

    private static List<Precision<?>> precisions() {
        return List.of(Precision.F64, Precision.F32, Precision.F32.withThreads(2), Precision.F64.withThreads(3));
    }

    @Test
    void crossEntropyWithoutWeightsOrSmoothingIsLossesBitForBit() {
        SplittableRandom rng = new SplittableRandom(5);
        double[] z = FiniteDifference.uniform(rng, ROWS * VOCAB, 4);
        int[] t = new int[ROWS];
        for (int r = 0; r < ROWS; r++) {
            t[r] = rng.nextInt(VOCAB);
        }
        for (Precision<?> p : precisions()) {
            plain(p, z, t, false);
            plain(p, z, t, true);
        }
    }

    /** Per sequence {@code [700, V]}, or per step {@code [7, 100, V]} without lengths. */
    private static <A> void plain(Precision<A> p, double[] z, int[] t, boolean perStep) {
        A logits = p.fromDoubles(z);
        A dOld = p.kernels().alloc(ROWS * VOCAB);
        double old = Losses.softmaxCrossEntropy(p, logits, ROWS, VOCAB, t, (boolean[]) null, dOld);
        Activations<A> out = perStep ? Activations.sequence(logits, 7, 100, VOCAB)
                : Activations.perSequence(logits, ROWS, VOCAB);
        A dNew = p.fromDoubles(nan(ROWS * VOCAB));
        LossValue v = CrossEntropy.builder().build().compute(p, out, new Targets.Classes(t), dNew);
        String what = p + (perStep ? " per step" : " per sequence");
        assertEquals(Double.doubleToRawLongBits(old), Double.doubleToRawLongBits(v.value()), what + ": loss bits");
        assertEquals(ROWS, v.weight(), what + ": weight");
        assertBitsEqual(p, dOld, dNew, what);
    }

    /**
     * Padding (per step, lengths) and ignored ids are {@link Losses}' mask; class weights are its row
     * weights {@code w[y_r]}.
     */
    @Test
    void maskedAndClassWeightedCrossEntropyIsLossesBitForBit() {
        SplittableRandom rng = new SplittableRandom(6);
        int steps = 7;
        int batch = 100;
        double[] z = FiniteDifference.uniform(rng, ROWS * VOCAB, 4);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + rng.nextInt(steps);
        }
        int[] t = new int[ROWS];
        boolean[] mask = new boolean[ROWS];
        for (int r = 0; r < ROWS; r++) {
            boolean real = r / batch < lengths[r % batch];
            boolean ignored = real && rng.nextInt(9) == 0;
            t[r] = !real ? Targets.IGNORE_INDEX : ignored ? Targets.IGNORE_INDEX : rng.nextInt(VOCAB);
            mask[r] = real && !ignored;
        }
        double[] classWeights = FiniteDifference.uniform(rng, VOCAB, 1);
        for (int c = 0; c < VOCAB; c++) {
            classWeights[c] = Math.abs(classWeights[c]) * 3;
        }
        double[] rowWeights = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            rowWeights[r] = mask[r] ? classWeights[t[r]] : 0;
        }
        for (Precision<?> p : precisions()) {
            masked(p, z, t, mask, null, null, steps, batch, lengths);
            masked(p, z, t, mask, classWeights, rowWeights, steps, batch, lengths);
        }
    }

    private static <A> void masked(Precision<A> p, double[] z, int[] t, boolean[] mask, double[] classWeights,
                                   double[] rowWeights, int steps, int batch, int[] lengths) {
        A logits = p.fromDoubles(z);
        A dOld = p.kernels().alloc(ROWS * VOCAB);
        double old = classWeights == null ? Losses.softmaxCrossEntropy(p, logits, ROWS, VOCAB, t, mask, dOld)
                : Losses.weightedSoftmaxCrossEntropy(p, logits, ROWS, VOCAB, t, rowWeights, dOld);
        A dNew = p.fromDoubles(nan(ROWS * VOCAB));
        LossValue v = CrossEntropy.builder().classWeights(classWeights).build()
                .compute(p, Activations.sequence(logits, steps, batch, VOCAB, lengths), new Targets.Classes(t), dNew);
        String what = p + (classWeights == null ? " masked" : " class-weighted");
        assertEquals(Double.doubleToRawLongBits(old), Double.doubleToRawLongBits(v.value()), what + ": loss bits");
        assertBitsEqual(p, dOld, dNew, what);
    }

    @Test
    void meanSquaredErrorIsLossesBitForBit() {
        SplittableRandom rng = new SplittableRandom(7);
        int width = 3;
        int n = ROWS * width;
        double[] pred = FiniteDifference.uniform(rng, n, 2);
        double[] y = FiniteDifference.uniform(rng, n, 2);
        for (Precision<?> p : precisions()) {
            mse(p, pred, y, width, false);
            mse(p, pred, y, width, true);
        }
    }

    private static <A> void mse(Precision<A> p, double[] pred, double[] y, int width, boolean perStep) {
        int n = pred.length;
        A values = p.fromDoubles(pred);
        A dOld = p.kernels().alloc(n);
        double old = Losses.meanSquaredError(p, values, p.fromDoubles(y), n, dOld);
        Activations<A> out = perStep ? Activations.sequence(values, 7, 100, width)
                : Activations.perSequence(values, ROWS, width);
        A dNew = p.fromDoubles(nan(n));
        LossValue v = new MeanSquaredError(Reduction.MEAN).compute(p, out, new Targets.Values(y, width), dNew);
        String what = p + " mse" + (perStep ? " per step" : " per sequence");
        assertEquals(Double.doubleToRawLongBits(old), Double.doubleToRawLongBits(v.value()), what + ": loss bits");
        assertEquals(n, v.weight(), what + ": weight");
        assertBitsEqual(p, dOld, dNew, what);
    }

    /** Label-smoothed cross-entropy (not in {@link Losses}) does not depend on the thread count either. */
    @Test
    void smoothedCrossEntropyDoesNotDependOnTheThreadCount() {
        SplittableRandom rng = new SplittableRandom(8);
        double[] z = FiniteDifference.uniform(rng, ROWS * VOCAB, 4);
        int[] t = new int[ROWS];
        for (int r = 0; r < ROWS; r++) {
            t[r] = r % 11 == 0 ? Targets.IGNORE_INDEX : rng.nextInt(VOCAB);
        }
        double[] w = new double[VOCAB];
        for (int c = 0; c < VOCAB; c++) {
            w[c] = 0.5 + c % 3;
        }
        CrossEntropy ce = CrossEntropy.builder().classWeights(w).labelSmoothing(0.1).build();
        for (Precision<?> p : List.of(Precision.F64, Precision.F32)) {
            double[] one = smoothed(p, ce, z, t);
            double[] three = smoothed(p.withThreads(3), ce, z, t);
            assertArrayEquals(one, three, 0.0, p + ": the thread count changed the loss or its gradient");
        }
    }

    /** {@code [value, gradient...]}. */
    private static <A> double[] smoothed(Precision<A> p, CrossEntropy ce, double[] z, int[] t) {
        A d = p.kernels().alloc(z.length);
        LossValue v = ce.compute(p, Activations.perSequence(p.fromDoubles(z), ROWS, VOCAB), new Targets.Classes(t), d);
        double[] g = p.toDoubles(d);
        double[] out = new double[g.length + 1];
        out[0] = v.value();
        System.arraycopy(g, 0, out, 1, g.length);
        return out;
    }

    private static <A> void assertBitsEqual(Precision<A> p, A expected, A actual, String what) {
        double[] e = p.toDoubles(expected);
        double[] a = p.toDoubles(actual);
        for (int i = 0; i < e.length; i++) {
            if (Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i])) {
                throw new AssertionError(what + ": gradient[" + i + "] = " + a[i] + ", Losses gives " + e[i]);
            }
        }
    }

    private static double[] nan(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }
}
