package dev.recur.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels of the softmax cross-entropy against the plain ones they replaced: the float32
 * exponentials and their sum ({@link ExpSumF32#expSum}) bit for bit equal to the scalar
 * {@code FloatLossKernels.expSum}, the row maxima of both precisions equal to a scalar
 * {@code Math.max} loop (NaN as NaN, whatever its bits), and the float64 exponential under {@code ExpSumF32} within the few ulps its
 * margin assumes.
 */
class SoftmaxKernelsTest {

    /** {@code |a − b|} in ulps of {@code b} (both positive and finite). */
    private static long ulps(double a, double b) {
        return Math.abs(Double.doubleToRawLongBits(a) - Double.doubleToRawLongBits(b));
    }

    @Test
    void float64ExponentialIsWithinAFewUlpsOfMathExp() {
        final int l = ExpSumF32.lanes();
        final int n = 1 << 20;
        final double[] x = new double[n - n % l];
        final double[] e = new double[x.length];
        long worst = 0;
        SplittableRandom rng = new SplittableRandom(11);
        for (int pass = 0; pass < 8; pass++) {
            for (int i = 0; i < x.length; i++) {
                // an even grid over [−104, 100] on the first pass, then random points, some near 0
                x[i] = pass == 0 ? -104 + 204.0 * i / (x.length - 1)
                        : pass % 2 == 0 ? rng.nextDouble(-104, 100) : rng.nextDouble(-1, 1) * Math.pow(2, -rng.nextInt(60));
            }
            ExpSumF32.exp(x, e);
            for (int i = 0; i < x.length; i++) {
                worst = Math.max(worst, ulps(e[i], Math.exp(x[i])));
            }
        }
        // Math.exp is itself within 1 ulp of e^x; the margin must exceed both errors together
        assertTrue(worst <= 8, "largest distance from Math.exp: " + worst + " ulps");
        assertTrue(worst + 1 < ExpSumF32.MARGIN);
    }

    /** The plain reference against the vector kernel on one row, with and without a gradient. */
    private static void assertSame(float[] z, int o, int n) {
        final float m = FloatLossKernels.rowMax(z, o, n);
        float ref = m;
        for (int j = o; j < o + n; j++) {
            ref = Math.max(ref, z[j]);
        }
        assertEquals(Float.floatToIntBits(ref), Float.floatToIntBits(m), "row maximum");
        final float[] want = new float[z.length];
        final float[] got = new float[z.length];
        final float s = FloatLossKernels.expSum(z, o, n, m, want);
        assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(ExpSumF32.expSum(z, o, n, m, got)), "sum");
        assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(ExpSumF32.expSum(z, o, n, m, null)),
                "sum without the terms");
        for (int j = 0; j < z.length; j++) {
            assertEquals(Float.floatToIntBits(want[j]), Float.floatToIntBits(got[j]), "term " + j);
        }
    }

    @Test
    void float32ExpSumEqualsTheScalarCodeBitForBit() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int n = 1; n <= 70; n++) {
            for (double spread : new double[] {1e-3, 1, 8, 60}) {
                float[] z = new float[n + 5];
                for (int j = 0; j < z.length; j++) {
                    z[j] = (float) (rng.nextGaussian() * spread);
                }
                assertSame(z, 2, n);
            }
        }
        // rows of a large vocabulary, logits of a trained and of an untrained head
        for (double spread : new double[] {0.05, 3, 20}) {
            for (int row = 0; row < 40; row++) {
                float[] z = new float[5400];
                for (int j = 0; j < z.length; j++) {
                    z[j] = (float) (rng.nextGaussian() * spread);
                }
                assertSame(z, 0, z.length);
            }
        }
    }

    @Test
    void float32ExpSumRedoesTheLanesNearAFloat32Midpoint() {
        // arguments whose float64 exponential lies within the margin of a float32 midpoint: the lanes
        // the vector code must compute again (about 4 in a million), so the fallback is exercised
        SplittableRandom rng = new SplittableRandom(5);
        List<Float> near = new ArrayList<>();
        while (near.size() < 200) {
            final float x = (float) -rng.nextDouble(0, 87);
            final long low = Double.doubleToRawLongBits(Math.exp(x)) & ((1L << 29) - 1);
            if (Math.abs(low - (1L << 28)) <= 4 * ExpSumF32.MARGIN) {
                near.add(x);
            }
        }
        // each row: its maximum 0 (so z − m = z exactly), then those arguments among ordinary ones
        float[] z = new float[1 + 4 * near.size()];
        for (int i = 0; i < near.size(); i++) {
            z[1 + 4 * i] = near.get(i);
            for (int k = 2; k <= 4; k++) {
                z[k + 4 * i] = (float) -rng.nextDouble(0, 10);
            }
        }
        for (int o = 0; o < 9; o++) {
            assertSame(z, o, z.length - o);
        }
    }

    @Test
    void float32ExpSumHandlesExtremesAsTheScalarCode() {
        final float[] specials = {0f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
            Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, 88.7f, 89f, -87.3f, -88f,
            -103.9f, -104.5f, -150f, -1e30f, 1e-40f, 100f, 120f};
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 2000; trial++) {
            float[] z = new float[1 + rng.nextInt(40)];
            for (int j = 0; j < z.length; j++) {
                z[j] = rng.nextInt(3) == 0 ? specials[rng.nextInt(specials.length)] : (float) (rng.nextGaussian() * 50);
            }
            // the row's own maximum, and (as a caller never passes, but the arithmetic must still
            // agree) a smaller and a larger one
            assertSame(z, 0, z.length);
            final float m = FloatLossKernels.rowMax(z, 0, z.length);
            for (float shift : new float[] {-200f, 30f}) {
                float[] want = new float[z.length];
                float[] got = new float[z.length];
                float s = FloatLossKernels.expSum(z, 0, z.length, m + shift, want);
                assertEquals(Float.floatToIntBits(s),
                        Float.floatToIntBits(ExpSumF32.expSum(z, 0, z.length, m + shift, got)));
                for (int j = 0; j < z.length; j++) {
                    assertEquals(Float.floatToIntBits(want[j]), Float.floatToIntBits(got[j]));
                }
            }
        }
    }

    @Test
    void float64RowMaxEqualsTheScalarLoop() {
        SplittableRandom rng = new SplittableRandom(9);
        final double[] specials = {0.0, -0.0, Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        for (int trial = 0; trial < 3000; trial++) {
            double[] z = new double[1 + rng.nextInt(50)];
            for (int j = 0; j < z.length; j++) {
                z[j] = rng.nextInt(4) == 0 ? specials[rng.nextInt(specials.length)] : rng.nextGaussian();
            }
            final int o = rng.nextInt(z.length);
            double ref = z[o];
            for (int j = o + 1; j < z.length; j++) {
                ref = Math.max(ref, z[j]);
            }
            assertEquals(Double.doubleToLongBits(ref),
                    Double.doubleToLongBits(DoubleLossKernels.rowMax(z, o, z.length - o)));
        }
    }
}
