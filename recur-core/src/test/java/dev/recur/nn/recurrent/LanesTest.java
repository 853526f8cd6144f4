package dev.recur.nn.recurrent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector activations of {@link DoubleLanes} and {@link FloatLanes} against {@link Math} in
 * float64: relative error within a few units in the last place over the whole useful range, lanes
 * independent of each other (an argument beyond e^x's range, or a NaN, changes no other element),
 * the fused sum-and-activation equal to the two passes, saturation at the extremes, NaN passed
 * through, and tails shorter than a vector.
 */
class LanesTest {

    /** Arguments: uniform in [-span, span], plus zeros and values near them. */
    private static double[] arguments(SplittableRandom rng, int n, double span) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 17 == 0 ? rng.nextDouble(-1e-6, 1e-6) : rng.nextDouble(-span, span);
        }
        x[1] = 0;
        x[2] = -0.0;
        return x;
    }

    @Test
    void float64MatchesMathWithinAFewUlps() {
        double[] x = arguments(new SplittableRandom(1), 4099, 40);
        double[] e = new double[x.length];
        double[] em1 = new double[x.length];
        double[] s = x.clone();
        double[] th = new double[x.length];
        DoubleLanes.exp(x, 0, false, e, 0, x.length);
        DoubleLanes.exp(x, 0, true, em1, 0, x.length);
        DoubleLanes.sigmoid(s, 0, s.length);
        DoubleLanes.tanh(x, 0, th, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            within(Math.exp(x[i]), e[i], 2 * Math.ulp(Math.exp(x[i])), "exp", x[i]);
            within(Math.expm1(x[i]), em1[i], 2 * Math.ulp(Math.expm1(x[i])), "expm1", x[i]);
            double sig = 1 / (1 + Math.exp(-x[i]));
            within(sig, s[i], 3 * Math.ulp(sig), "sigmoid", x[i]);
            within(Math.tanh(x[i]), th[i], 3 * Math.ulp(Math.tanh(x[i])), "tanh", x[i]);
        }
    }

    @Test
    void float32MatchesMathWithinAFewUlps() {
        double[] xd = arguments(new SplittableRandom(2), 4099, 40);
        float[] x = new float[xd.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) xd[i];
        }
        float[] e = new float[x.length];
        float[] em1 = new float[x.length];
        float[] s = x.clone();
        float[] th = new float[x.length];
        FloatLanes.exp(x, 0, false, e, 0, x.length);
        FloatLanes.exp(x, 0, true, em1, 0, x.length);
        FloatLanes.sigmoid(s, 0, s.length);
        FloatLanes.tanh(x, 0, th, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            within(Math.exp(v), e[i], 2 * Math.ulp((float) Math.exp(v)), "exp", v);
            within(Math.expm1(v), em1[i], 2 * Math.ulp((float) Math.expm1(v)), "expm1", v);
            double sig = 1 / (1 + Math.exp(-v));
            within(sig, s[i], 3 * Math.ulp((float) sig), "sigmoid", v);
            within(Math.tanh(v), th[i], 3 * Math.ulp((float) Math.tanh(v)), "tanh", v);
        }
    }

    /**
     * The exponential is accurate up to its clamp (|x| ≤ 707.7 in float64, 86.6 in float32),
     * subnormal and signed-zero arguments included; past the clamp it stops growing (or shrinking)
     * and stays a finite, nonzero number, the same for every argument beyond.
     */
    @Test
    void theExponentialIsAccurateUpToItsClampAndHeldPastIt() {
        double[] in = {-707.0, -700.0, 700.0, 707.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-310, -0.0, 0.0};
        double[] e = new double[in.length];
        double[] em1 = new double[in.length];
        DoubleLanes.exp(in, 0, false, e, 0, in.length);
        DoubleLanes.exp(in, 0, true, em1, 0, in.length);
        for (int i = 0; i < in.length; i++) {
            within(Math.exp(in[i]), e[i], 2 * Math.ulp(Math.exp(in[i])), "exp", in[i]);
            within(Math.expm1(in[i]), em1[i], 2 * Math.ulp(Math.expm1(in[i])), "expm1", in[i]);
        }
        float[] inF = {-86.0f, -80.0f, 80.0f, 86.0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -0.0f, 0.0f};
        float[] eF = new float[inF.length];
        float[] em1F = new float[inF.length];
        FloatLanes.exp(inF, 0, false, eF, 0, inF.length);
        FloatLanes.exp(inF, 0, true, em1F, 0, inF.length);
        for (int i = 0; i < inF.length; i++) {
            double v = inF[i];
            within(Math.exp(v), eF[i], 2 * Math.ulp((float) Math.exp(v)), "float32 exp", v);
            within(Math.expm1(v), em1F[i], 2 * Math.ulp((float) Math.expm1(v)), "float32 expm1", v);
        }
        double[][] past = {{708.0, 709.0, 1e4, Double.MAX_VALUE, Double.POSITIVE_INFINITY},
            {-708.0, -709.0, -1e4, -Double.MAX_VALUE, Double.NEGATIVE_INFINITY}};
        float[][] pastF = {{87.0f, 88.0f, 1e4f, Float.MAX_VALUE, Float.POSITIVE_INFINITY},
            {-87.0f, -88.0f, -1e4f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY}};
        for (int side = 0; side < 2; side++) {
            double[] x = past[side];
            double[] got = new double[x.length];
            DoubleLanes.exp(x, 0, false, got, 0, x.length);
            float[] xf = pastF[side];
            float[] gotF = new float[xf.length];
            FloatLanes.exp(xf, 0, false, gotF, 0, xf.length);
            for (int i = 0; i < x.length; i++) {
                String at = "exp(" + x[i] + ") = " + got[i] + ", float32 exp(" + xf[i] + ") = " + gotF[i];
                assertEquals(got[0], got[i], 0.0, at);
                assertEquals(gotF[0], gotF[i], 0.0f, at);
                assertTrue(got[i] > 0 && got[i] < Double.POSITIVE_INFINITY, at);
                assertTrue(gotF[i] > 0 && gotF[i] < Float.POSITIVE_INFINITY, at);
                // held at least as far out as the last accurate argument (707 and 86 above)
                assertTrue(side == 0 ? got[i] >= Math.exp(707.0) : got[i] <= Math.exp(-707.0), at);
                assertTrue(side == 0 ? gotF[i] >= (float) Math.exp(86.0) : gotF[i] <= (float) Math.exp(-86.0), at);
            }
        }
    }

    @Test
    void anArgumentBeyondTheRangeLeavesTheOthersAsTheyWere() {
        for (double extreme : new double[] {1e4, -1e4, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
            double[] plain = arguments(new SplittableRandom(3), 64, 30);
            double[] x = plain.clone();
            x[37] = extreme;
            float[] plainF = new float[64];
            float[] xf = new float[64];
            for (int i = 0; i < 64; i++) {
                plainF[i] = (float) plain[i];
                xf[i] = (float) x[i];
            }
            DoubleLanes.sigmoid(plain, 0, 64);
            DoubleLanes.sigmoid(x, 0, 64);
            FloatLanes.sigmoid(plainF, 0, 64);
            FloatLanes.sigmoid(xf, 0, 64);
            for (int i = 0; i < 64; i++) {
                if (i != 37) {
                    assertEquals(plain[i], x[i], 0.0, "float64 element " + i + " beside " + extreme);
                    assertEquals(plainF[i], xf[i], 0.0, "float32 element " + i + " beside " + extreme);
                }
            }
        }
    }

    /**
     * An element's value does not depend on where it sits: in any lane of any vector of the loop,
     * or alone in the zero-padded tail.
     */
    @Test
    void anElementsValueDoesNotDependOnItsPosition() {
        double[] x = arguments(new SplittableRandom(7), 100, 20);
        double[] s = x.clone();
        DoubleLanes.sigmoid(s, 0, x.length);
        double[] th = new double[x.length];
        DoubleLanes.tanh(x, 0, th, 0, x.length);
        float[] xf = toFloats(x);
        float[] sf = xf.clone();
        FloatLanes.sigmoid(sf, 0, xf.length);
        float[] thf = new float[xf.length];
        FloatLanes.tanh(xf, 0, thf, 0, xf.length);
        for (int i = 0; i < x.length; i++) {
            double[] one = {x[i]};
            DoubleLanes.sigmoid(one, 0, 1);
            assertEquals(one[0], s[i], 0.0, "float64 sigmoid, element " + i);
            DoubleLanes.tanh(new double[] {x[i]}, 0, one, 0, 1);
            assertEquals(one[0], th[i], 0.0, "float64 tanh, element " + i);
            float[] onef = {xf[i]};
            FloatLanes.sigmoid(onef, 0, 1);
            assertEquals(onef[0], sf[i], 0f, "float32 sigmoid, element " + i);
            FloatLanes.tanh(new float[] {xf[i]}, 0, onef, 0, 1);
            assertEquals(onef[0], thf[i], 0f, "float32 tanh, element " + i);
        }
    }

    /** The fused forms equal the sum stored first and the activation applied after, to the bit. */
    @Test
    void sumAndActivationInOnePassEqualTheTwoPasses() {
        SplittableRandom rng = new SplittableRandom(6);
        for (int n : new int[] {1, 15, 16, 33, 100}) {
            double[] a = arguments(rng, n + 2, 12);
            double[] add = arguments(rng, n + 3, 12);
            double[] sum = a.clone();
            for (int i = 0; i < n; i++) {
                sum[2 + i] += add[3 + i];
            }
            double[] fusedS = a.clone();
            DoubleLanes.sigmoidPlus(fusedS, 2, add, 3, n);
            double[] twoS = sum.clone();
            DoubleLanes.sigmoid(twoS, 2, n);
            double[] fusedT = a.clone();
            DoubleLanes.tanhPlus(fusedT, 2, add, 3, n);
            double[] twoT = sum.clone();
            DoubleLanes.tanh(twoT, 2, twoT, 2, n);
            assertArrayEquals(twoS, fusedS, 0.0, "float64 sigmoid, n = " + n);
            assertArrayEquals(twoT, fusedT, 0.0, "float64 tanh, n = " + n);
            float[] af = toFloats(a);
            float[] addf = toFloats(add);
            float[] sumf = af.clone();
            for (int i = 0; i < n; i++) {
                sumf[2 + i] += addf[3 + i];
            }
            float[] fusedSf = af.clone();
            FloatLanes.sigmoidPlus(fusedSf, 2, addf, 3, n);
            float[] twoSf = sumf.clone();
            FloatLanes.sigmoid(twoSf, 2, n);
            float[] fusedTf = af.clone();
            FloatLanes.tanhPlus(fusedTf, 2, addf, 3, n);
            float[] twoTf = sumf.clone();
            FloatLanes.tanh(twoTf, 2, twoTf, 2, n);
            assertArrayEquals(twoSf, fusedSf, 0f, "float32 sigmoid, n = " + n);
            assertArrayEquals(twoTf, fusedTf, 0f, "float32 tanh, n = " + n);
        }
    }

    private static float[] toFloats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    @Test
    void extremesSaturateAndNaNPassesThrough() {
        for (double extreme : new double[] {1e4, -1e4, 800, -800, 100, -100, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.NaN}) {
            // among ordinary arguments: in different vectors (elements 1, 9 and 17: with 512-bit
            // vectors the first three in float64, the first two in float32), and in the zero-padded
            // tail (n = 3)
            for (int n : new int[] {40, 3}) {
                double[] x = arguments(new SplittableRandom(5), 40, 3);
                x[1] = extreme;
                x[9] = extreme;
                x[17] = extreme;
                double[] s = x.clone();
                DoubleLanes.sigmoid(s, 0, n);
                double[] th = new double[x.length];
                DoubleLanes.tanh(x, 0, th, 0, n);
                float[] xf = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    xf[i] = (float) x[i];
                }
                float[] sf = xf.clone();
                FloatLanes.sigmoid(sf, 0, n);
                float[] thf = new float[x.length];
                FloatLanes.tanh(xf, 0, thf, 0, n);
                for (int i : new int[] {1, 9, 17}) {
                    if (i >= n) {
                        continue;
                    }
                    String at = "(" + extreme + ") at " + i + ", n = " + n;
                    if (Double.isNaN(extreme)) {
                        assertTrue(Double.isNaN(s[i]) && Float.isNaN(sf[i]) && Double.isNaN(th[i]) && Float.isNaN(thf[i]),
                                "NaN" + at + ": " + s[i] + " " + sf[i] + " " + th[i] + " " + thf[i]);
                        continue;
                    }
                    double want = 1 / (1 + Math.exp(-extreme));
                    assertEquals(want, s[i], 1e-300, "float64 sigmoid" + at);
                    assertEquals(want, sf[i], 1e-37, "float32 sigmoid" + at);
                    assertEquals(Math.signum(extreme), th[i], 0.0, "float64 tanh" + at);
                    assertEquals(Math.signum(extreme), thf[i], 0.0, "float32 tanh" + at);
                }
            }
        }
    }

    private static void within(double want, double got, double tol, String what, double x) {
        assertTrue(Math.abs(got - want) <= tol, what + "(" + x + ") = " + got + ", expected " + want + " within " + tol);
    }
}
