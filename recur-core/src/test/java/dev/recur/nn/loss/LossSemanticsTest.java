package dev.recur.nn.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Activations;
import dev.recur.nn.FiniteDifference;
import dev.recur.tensor.Precision;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Values derived by hand, batches that count for nothing, how batches add up, extreme logits. */
class LossSemanticsTest {

    private static final Precision<double[]> F64 = Precision.F64;
    private static final double LN2 = Math.log(2);

    private static double[] nan(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /**
     * One row z = (0, 0), target 0, ε = 0.2, C = 2: p = (−ln 2, −ln 2), s = (1/2, 1/2).
     * Without weights: l = −0.8·(−ln 2) − 0.1·(−2 ln 2) = ln 2; dl/dz_0 = 0.8·(1/2 − 1) + 0.1·(2·1/2 − 1)
     * = −0.4, dl/dz_1 = 0.8·1/2 + 0.1·(1 − 1) = 0.4.
     * With w = (2, 1), W = 3: l = 1.6 ln 2 + 0.1·3 ln 2 = 1.9 ln 2, divided by w_0 = 2: 0.95 ln 2;
     * dl/dz_0 = 1.6·(−1/2) + 0.1·(3/2 − 2) = −0.85, dl/dz_1 = 0.8 + 0.1·(3/2 − 1) = 0.85, both / 2.
     */
    @Test
    void smoothedCrossEntropyByHand() {
        Activations<double[]> z = Activations.perSequence(new double[] {0, 0}, 1, 2);
        Targets y = new Targets.Classes(new int[] {0});
        double[] g = new double[2];
        LossValue v = CrossEntropy.builder().labelSmoothing(0.2).build().compute(F64, z, y, g);
        assertEquals(LN2, v.value(), 1e-15);
        assertEquals(1, v.weight());
        assertArrayEquals(new double[] {-0.4, 0.4}, g, 1e-15);
        v = CrossEntropy.builder().labelSmoothing(0.2).classWeights(new double[] {2, 1}).build().compute(F64, z, y, g);
        assertEquals(0.95 * LN2, v.value(), 1e-15);
        assertEquals(2, v.weight());
        assertArrayEquals(new double[] {-0.425, 0.425}, g, 1e-15);
        v = CrossEntropy.builder().labelSmoothing(0.2).classWeights(new double[] {2, 1}).reduction(Reduction.SUM)
                .build().compute(F64, z, y, g);
        assertEquals(1.9 * LN2, v.value(), 1e-15);
        assertEquals(1.9 * LN2, v.total(), 1e-15);
        assertArrayEquals(new double[] {-0.85, 0.85}, g, 1e-15);
    }

    /**
     * z = (1000, −1000), y = (0, 1), pos_weight (1, 3): l_0 = (1 − 0)·1000 + 1·softplus(−1000) = 1000;
     * L_1 = 1 + (3 − 1)·1 = 3, l_1 = 0 + 3·softplus(1000) = 3000; mean 2000.
     * dl_0 = 1·σ(1000) − 0 = 1, dl_1 = 3·σ(−1000) − 3 = −3; over n = 2: (0.5, −1.5). Same in float32.
     */
    @Test
    void binaryCrossEntropyIsStableForHugeLogits() {
        BinaryCrossEntropy bce = new BinaryCrossEntropy(new double[] {1, 3}, Reduction.MEAN);
        Targets y = new Targets.Values(new double[] {0, 1}, 2);
        double[] g = new double[2];
        LossValue v = bce.compute(F64, Activations.perSequence(new double[] {1000, -1000}, 1, 2), y, g);
        assertEquals(2000, v.value(), 1e-12);
        assertArrayEquals(new double[] {0.5, -1.5}, g, 1e-15);
        float[] gf = new float[2];
        LossValue vf = bce.compute(Precision.F32, Activations.perSequence(new float[] {1000, -1000}, 1, 2), y, gf);
        assertEquals(2000, vf.value(), 1e-9);
        assertArrayEquals(new float[] {0.5f, -1.5f}, gf, 0);
        // z = 0, y = 1/2: l = (1/2)·0 + softplus(0) = ln 2, dl/dz = σ(0) − 1/2 = 0
        v = BinaryCrossEntropy.builder().build().compute(F64, Activations.perSequence(new double[] {0}, 1, 1),
                new Targets.Values(new double[] {0.5}, 1), g = new double[1]);
        assertEquals(LN2, v.value(), 1e-15);
        assertEquals(0, g[0], 0);
    }

    /**
     * L1 at an error of exactly 0 has gradient exactly 0; Huber at |e| = delta is on both pieces:
     * p = 1.5, y = 1, delta = 0.5: h = 0.5²/2 = 0.125 = 0.5·(0.5 − 0.25), h' = 0.5.
     */
    @Test
    void kinksByHand() {
        double[] g = new double[3];
        LossValue v = new L1Loss(Reduction.MEAN).compute(F64, Activations.perSequence(new double[] {2, 1, -1}, 3, 1),
                new Targets.Values(new double[] {2, 3, -4}, 1), g);
        // (0 + 2 + 3) / 3; sign(0, −2, 3) / 3
        assertEquals(5.0 / 3, v.value(), 1e-15);
        assertArrayEquals(new double[] {0, -1.0 / 3, 1.0 / 3}, g, 1e-16);
        assertEquals(0, Double.doubleToRawLongBits(g[0]), "exactly +0 at a zero error");
        g = new double[2];
        v = new HuberLoss(0.5, Reduction.MEAN).compute(F64, Activations.perSequence(new double[] {1.5, 0.25}, 2, 1),
                new Targets.Values(new double[] {1, 2}, 1), g);
        // e = (0.5, −1.75): h = (0.125 + 0.5·(1.75 − 0.25)) / 2 = 0.875 / 2; h' = (0.5, −0.5) / 2
        assertEquals(0.4375, v.value(), 1e-15);
        assertArrayEquals(new double[] {0.25, -0.25}, g, 1e-16);
    }

    @Test
    void aBatchInWhichNothingCountsIsZero() {
        double[] g = nan(6);
        Activations<double[]> z = Activations.perSequence(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Targets ignored = new Targets.Classes(new int[] {-100, -100});
        for (CrossEntropy ce : new CrossEntropy[] {CrossEntropy.builder().build(),
                CrossEntropy.builder().labelSmoothing(0.3).reduction(Reduction.SUM).build()}) {
            LossValue v = ce.compute(F64, z, ignored, g);
            assertEquals(new LossValue(0, 0, ce.reduction()), v);
            assertArrayEquals(new double[6], g, 0);
            Arrays.fill(g, Double.NaN);
        }
        // every counted row is of a class of weight 0: MEAN has no divisor (PyTorch: NaN), here 0
        CrossEntropy zeroWeight = CrossEntropy.builder().classWeights(new double[] {0, 1, 1}).labelSmoothing(0.3)
                .build();
        Targets zeros = new Targets.Classes(new int[] {0, 0});
        assertEquals(new LossValue(0, 0, Reduction.MEAN), zeroWeight.compute(F64, z, zeros, g));
        assertArrayEquals(new double[6], g, 0);
        // SUM is still defined: the smoothing terms −(ε/C)·Σ_c w_c·p_c, with weight 0
        LossValue sum = CrossEntropy.builder().classWeights(new double[] {0, 1, 1}).labelSmoothing(0.3)
                .reduction(Reduction.SUM).build().compute(F64, z, zeros, g);
        double expected = 0;
        for (int r = 0; r < 2; r++) {
            double lse = Math.log(Math.exp(3 * r + 1) + Math.exp(3 * r + 2) + Math.exp(3 * r + 3));
            expected -= 0.1 * ((3 * r + 2 - lse) + (3 * r + 3 - lse));
        }
        assertEquals(expected, sum.value(), 1e-14);
        assertEquals(0, sum.weight());
        assertTrue(Arrays.stream(g).allMatch(Double::isFinite));
    }

    /**
     * The weights make batches add up: Σ total / Σ weight over two halves is the mean of the whole,
     * for cross-entropy (class weights, smoothing, ignored rows) and the losses of values.
     */
    @Test
    void batchesAddUpThroughTheirWeights() {
        SplittableRandom rng = new SplittableRandom(12);
        double[] z = FiniteDifference.uniform(rng, 8 * 4, 3);
        int[] t = {0, 3, -100, 2, 1, 1, -100, 3};
        double[] y = FiniteDifference.uniform(rng, 8 * 4, 2);
        Loss[] losses = {CrossEntropy.builder().classWeights(new double[] {0.5, 1, 2, 3}).labelSmoothing(0.1).build(),
                CrossEntropy.builder().build(), new MeanSquaredError(Reduction.MEAN), new L1Loss(Reduction.MEAN),
                new HuberLoss(0.8, Reduction.MEAN)};
        for (Loss loss : losses) {
            LossValue whole = loss.compute(F64, Activations.perSequence(z, 8, 4), targets(loss, t, y, 0, 8), null);
            LossValue a = loss.compute(F64, Activations.perSequence(Arrays.copyOfRange(z, 0, 12), 3, 4),
                    targets(loss, t, y, 0, 3), null);
            LossValue b = loss.compute(F64, Activations.perSequence(Arrays.copyOfRange(z, 12, 32), 5, 4),
                    targets(loss, t, y, 3, 8), null);
            assertEquals(whole.weight(), a.weight() + b.weight(), 1e-15, loss + " weight");
            assertEquals(whole.value(), (a.total() + b.total()) / (a.weight() + b.weight()), 1e-14, loss.toString());
        }
        assertEquals(8.0, new LossValue(2, 4, Reduction.MEAN).total());
        assertEquals(2.0, new LossValue(2, 4, Reduction.SUM).total());
    }

    private static Targets targets(Loss loss, int[] t, double[] y, int from, int to) {
        return loss.classTargets() ? new Targets.Classes(Arrays.copyOfRange(t, from, to))
                : new Targets.Values(Arrays.copyOfRange(y, from * 4, to * 4), 4);
    }
}
