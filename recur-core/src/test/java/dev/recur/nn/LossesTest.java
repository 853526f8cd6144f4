package dev.recur.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Losses}: values by hand, finite differences, masking, weights, stability, errors. */
class LossesTest {

    private static final Precision<double[]> F64 = Precision.F64;

    @Test
    void crossEntropyMatchesDefinition() {
        double[] z = {1, 2, 3, -1, 0, 1};
        int[] t = {2, 0};
        double[] dz = new double[6];
        double loss = Losses.softmaxCrossEntropy(F64, z, 2, 3, t, dz);
        double lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double lse1 = Math.log(Math.exp(-1) + Math.exp(0) + Math.exp(1));
        assertEquals(((lse0 - 3) + (lse1 + 1)) / 2, loss, 1e-15);
        // d/dz = (softmax − onehot) / N
        assertEquals((Math.exp(3 - lse0) - 1) / 2, dz[2], 1e-15);
        assertEquals(Math.exp(1 - lse0) / 2, dz[0], 1e-15);
        assertEquals((Math.exp(-1 - lse1) - 1) / 2, dz[3], 1e-15);
    }

    @Test
    void crossEntropyGradientMatchesFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(21);
        int n = 5;
        int v = 7;
        double[] z = FiniteDifference.uniform(rng, n * v, 3);
        int[] t = {0, 6, 3, 3, 1};
        boolean[] mask = {true, false, true, true, false};
        double[] w = {0.5, 2, 0, 1, 3};
        double[] dz = new double[n * v];
        Losses.softmaxCrossEntropy(F64, z, n, v, t, dz);
        FiniteDifference fd = new FiniteDifference()
                .check("plain", z, dz.clone(), () -> Losses.softmaxCrossEntropy(F64, z, n, v, t, null));
        Losses.softmaxCrossEntropy(F64, z, n, v, t, mask, dz);
        fd.check("masked", z, dz.clone(), () -> Losses.softmaxCrossEntropy(F64, z, n, v, t, mask, null));
        Losses.weightedSoftmaxCrossEntropy(F64, z, n, v, t, w, dz);
        fd.check("weighted", z, dz.clone(), () -> Losses.weightedSoftmaxCrossEntropy(F64, z, n, v, t, w, null));
        fd.assertPassed("cross-entropy");
    }

    /**
     * Many rows (several of the blocks the rows are split into over threads) with masked rows: the
     * loss and gradient match the definition computed here row by row in float64, and two threads
     * give the same bits as one.
     */
    @Test
    void manyRowsOverThreadsMatchTheDefinitionAndDoNotDependOnTheThreadCount() {
        SplittableRandom rng = new SplittableRandom(8);
        int n = 1037;
        int v = 65;
        double[] z = FiniteDifference.uniform(rng, n * v, 4);
        int[] t = new int[n];
        boolean[] mask = new boolean[n];
        double expected = 0;
        int kept = 0;
        for (int r = 0; r < n; r++) {
            t[r] = rng.nextInt(v);
            mask[r] = r % 7 != 3;
            if (mask[r]) {
                double s = 0;
                for (int j = 0; j < v; j++) {
                    s += Math.exp(z[r * v + j]);
                }
                expected += Math.log(s) - z[r * v + t[r]];
                kept++;
            }
        }
        expected /= kept;
        for (Precision<?> p : new Precision<?>[] {F64, Precision.F32}) {
            double[] one = lossAndGradient(p, 1, z, n, v, t, mask);
            double[] two = lossAndGradient(p, 2, z, n, v, t, mask);
            assertArrayEquals(one, two, 0.0, p + ": the thread count changed the loss or its gradient");
            assertEquals(expected, two[0], p.isDouble() ? 1e-12 : 1e-5, p + ": loss");
        }
        double[] dz = lossAndGradient(F64, 2, z, n, v, t, mask);
        for (int r : new int[] {0, 3, 255, 256, 1036}) {
            double s = 0;
            for (int j = 0; j < v; j++) {
                s += Math.exp(z[r * v + j]);
            }
            for (int j = 0; j < v; j++) {
                double want = mask[r] ? (Math.exp(z[r * v + j]) / s - (j == t[r] ? 1 : 0)) / kept : 0;
                assertEquals(want, dz[1 + r * v + j], 1e-15, "dz[" + r + ", " + j + "]");
            }
        }
    }

    /** {@code [loss, dz...]} on {@code threads} threads. */
    private static <A> double[] lossAndGradient(Precision<A> p, int threads, double[] z, int n, int v, int[] t,
                                                boolean[] mask) {
        Precision<A> q = p.withThreads(threads);
        A dz = q.kernels().alloc(n * v);
        double loss = Losses.softmaxCrossEntropy(q, q.fromDoubles(z), n, v, t, mask, dz);
        double[] g = q.toDoubles(dz);
        double[] out = new double[1 + g.length];
        out[0] = loss;
        System.arraycopy(g, 0, out, 1, g.length);
        return out;
    }

    @Test
    void maskedRowsAreIgnoredAndGetExactlyZeroGradient() {
        SplittableRandom rng = new SplittableRandom(4);
        double[] z = FiniteDifference.uniform(rng, 4 * 3, 2);
        int[] t = {1, -1, 2, 99};   // masked rows may hold any id (padding)
        boolean[] mask = {true, false, true, false};
        double[] dz = new double[12];
        java.util.Arrays.fill(dz, Double.NaN);   // every element must be written
        double masked = Losses.softmaxCrossEntropy(F64, z, 4, 3, t, mask, dz);
        // the same as the plain mean over the two rows that count
        double[] zSub = new double[6];
        System.arraycopy(z, 0, zSub, 0, 3);
        System.arraycopy(z, 6, zSub, 3, 3);
        double[] dSub = new double[6];
        double plain = Losses.softmaxCrossEntropy(F64, zSub, 2, 3, new int[] {1, 2}, dSub);
        assertEquals(plain, masked, 1e-15);
        for (int j = 0; j < 3; j++) {
            assertEquals(0, Double.doubleToRawLongBits(dz[3 + j]), "masked row 1 gradient must be exactly +0");
            assertEquals(0, Double.doubleToRawLongBits(dz[9 + j]), "masked row 3 gradient must be exactly +0");
            assertEquals(dSub[j], dz[j], 1e-16);
            assertEquals(dSub[3 + j], dz[6 + j], 1e-16);
        }
        // no row counts: loss 0, gradient 0
        double none = Losses.softmaxCrossEntropy(F64, z, 4, 3, t, new boolean[4], dz);
        assertEquals(0, none);
        assertArrayEquals(new double[12], dz, 0);
    }

    @Test
    void weightedMeanDividesByTheWeightSum() {
        double[] z = {0, 1, 2, 3};
        int[] t = {1, 0};
        double l0 = Losses.softmaxCrossEntropy(F64, new double[] {0, 1}, 1, 2, new int[] {1}, null);
        double l1 = Losses.softmaxCrossEntropy(F64, new double[] {2, 3}, 1, 2, new int[] {0}, null);
        double w = Losses.weightedSoftmaxCrossEntropy(F64, z, 2, 2, t, new double[] {1, 3}, null);
        assertEquals((l0 + 3 * l1) / 4, w, 1e-15);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        double[] z = {1000, 0, -1000, 800};
        double[] dz = new double[4];
        double loss = Losses.softmaxCrossEntropy(F64, z, 2, 2, new int[] {1, 0}, dz);
        // row 0: logsumexp = 1000, target logit 0; row 1: logsumexp = 800, target logit −1000
        assertEquals((1000 + 1800) / 2.0, loss, 1e-9);
        for (double d : dz) {
            assertTrue(Double.isFinite(d));
        }
        float[] zf = {1000, 0, -1000, 800};
        float[] dzf = new float[4];
        assertEquals(loss, Losses.softmaxCrossEntropy(Precision.F32, zf, 2, 2, new int[] {1, 0}, dzf), 1e-3);
    }

    @Test
    void float32AgreesWithFloat64() {
        SplittableRandom rng = new SplittableRandom(8);
        double[] z = FiniteDifference.uniform(rng, 6 * 5, 4);
        int[] t = {0, 1, 2, 3, 4, 0};
        double[] dz = new double[30];
        float[] dzf = new float[30];
        double ld = Losses.softmaxCrossEntropy(F64, z, 6, 5, t, dz);
        double lf = Losses.softmaxCrossEntropy(Precision.F32, Precision.F32.fromDoubles(z), 6, 5, t, dzf);
        assertEquals(ld, lf, 1e-6);
        for (int i = 0; i < 30; i++) {
            assertEquals(dz[i], dzf[i], 1e-7);
        }
    }

    @Test
    void meanSquaredErrorValueAndGradient() {
        double[] p = {1, 2, 3};
        double[] y = {0, 2, 5};
        double[] dp = new double[3];
        assertEquals((1 + 0 + 4) / 3.0, Losses.meanSquaredError(F64, p, y, 3, dp), 1e-15);
        assertArrayEquals(new double[] {2.0 / 3, 0, -4.0 / 3}, dp, 1e-15);

        SplittableRandom rng = new SplittableRandom(2);
        double[] q = FiniteDifference.uniform(rng, 6, 1);
        double[] r = FiniteDifference.uniform(rng, 6, 1);
        double[] dq = new double[6];
        Losses.meanSquaredError(F64, q, r, 6, dq);
        new FiniteDifference().check("pred", q, dq, () -> Losses.meanSquaredError(F64, q, r, 6, null))
                .assertPassed("mse");
    }

    @Test
    void errorsNameExpectedAndFound() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.softmaxCrossEntropy(F64, new double[6], 2, 3, new int[] {0, 3}, null));
        assertTrue(e.getMessage().contains("target id 3 at row 1") && e.getMessage().contains("V = 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.softmaxCrossEntropy(F64, new double[5], 2, 3, new int[] {0, 1}, null));
        assertTrue(e.getMessage().contains("expected [N, V] = [2, 3] = 6 values, found 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Losses.softmaxCrossEntropy(F64, new double[6], 2, 3, new int[] {0}, null));
        assertThrows(IllegalArgumentException.class,
                () -> Losses.softmaxCrossEntropy(F64, new double[6], 2, 3, new int[] {0, 1}, new boolean[3], null));
        assertThrows(IllegalArgumentException.class,
                () -> Losses.weightedSoftmaxCrossEntropy(F64, new double[6], 2, 3, new int[] {0, 1},
                        new double[] {1, -1}, null));
        assertThrows(IllegalArgumentException.class,
                () -> Losses.meanSquaredError(F64, new double[2], new double[3], 2, null));
    }
}
