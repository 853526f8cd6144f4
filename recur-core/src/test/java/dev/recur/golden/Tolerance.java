package dev.recur.golden;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The comparison rule of the golden README §8: {@code |a − b| <= atol + rtol·|b|} elementwise,
 * {@code b} the stored float64 value.
 *
 * @param rtol relative tolerance
 * @param atol absolute tolerance
 */
record Tolerance(double rtol, double atol) {

    static final Tolerance F64 = new Tolerance(1e-9, 1e-12);
    static final Tolerance F32_SHORT = new Tolerance(1e-4, 1e-5);
    static final Tolerance F32_LONG = new Tolerance(1e-3, 1e-4);

    /** The tolerance for a computation in float64 or float32 over {@code seqLen} steps. */
    static Tolerance of(boolean float64, int seqLen) {
        return float64 ? F64 : seqLen <= 100 ? F32_SHORT : F32_LONG;
    }

    /** Fails, naming the tensor and its worst element, unless every element is within tolerance. */
    void check(String what, double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, found " + actual.length);
        }
        int worst = -1;
        double worstU = 0;
        for (int i = 0; i < expected.length && !Double.isNaN(worstU); i++) {
            double u = Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i]));
            if (worst < 0 || Double.isNaN(u) || u > worstU) {
                worstU = u;
                worst = i;
            }
        }
        if (!(worstU <= 1)) {
            fail(String.format("%s: element %d is %.17g, expected %.17g (|diff| = %.3g > %.1g + %.1g·|expected|)",
                    what, worst, actual[worst], expected[worst], Math.abs(actual[worst] - expected[worst]), atol, rtol));
        }
    }
}
