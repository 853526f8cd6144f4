package dev.recur.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vectorised {@code firstNonFinite} (whole vectors by the bits of the largest magnitude, then
 * the reference's scan) against the plain reference: the same index, in the vector part and in the
 * tail, for NaN of either sign and ±∞, and -1 for arrays of finite extremes (the largest finite
 * value, the smallest subnormal, -0.0), in both precisions.
 */
class FirstNonFiniteTest {

    private static final double[] BAD = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.longBitsToDouble(0xFFF8000000000001L)};

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {0, 1, 7, 16, 33, 100})
    void vectorisedEqualsReference(int n) {
        int off = 3;
        double[] finite = new double[off + n + 2];
        for (int i = 0; i < finite.length; i++) {
            // finite extremes of float32 (so finite in both precisions), and a NaN outside the range
            finite[i] = switch (i % 5) {
                case 0 -> Float.MAX_VALUE;
                case 1 -> -Float.MAX_VALUE;
                case 2 -> Float.MIN_VALUE;
                case 3 -> -0.0;
                default -> i * 0.25 - 1;
            };
        }
        finite[off + n] = Double.NaN;   // just past the range: must not be seen
        for (Precision<?> p : new Precision<?>[] {Precision.F64, Precision.F32}) {
            check(p, finite, off, n);
        }
        // float64's largest finite value, the bits just below +∞'s (beyond float32's range)
        double[] largest = finite.clone();
        for (int i = off; i < off + n; i += 2) {
            largest[i] = i % 4 == 1 ? -Double.MAX_VALUE : Double.MAX_VALUE;
        }
        check(Precision.F64, largest, off, n);
    }

    private static <A> void check(Precision<A> p, double[] finite, int off, int n) {
        Kernels<A> fast = p.kernels();
        assertTrue(fast.vectorized(), p + ": the default kernels are the vectorised ones");
        Kernels<A> reference = p.reference().kernels();
        A a = p.fromDoubles(finite);
        assertEquals(-1, reference.firstNonFinite(a, off, n), p + " reference, all finite");
        assertEquals(-1, fast.firstNonFinite(a, off, n), p + " vectorised, all finite");
        for (int at = 0; at < n; at++) {
            for (double bad : BAD) {
                double[] values = finite.clone();
                values[off + at] = bad;
                if (at + 3 < n) {
                    values[off + at + 3] = Double.NaN;   // a later one: the first is the answer
                }
                A b = p.fromDoubles(values);
                String where = p + ", " + bad + " at " + at + " of " + n;
                assertEquals(off + at, reference.firstNonFinite(b, off, n), "reference, " + where);
                assertEquals(off + at, fast.firstNonFinite(b, off, n), "vectorised, " + where);
            }
        }
    }
}
