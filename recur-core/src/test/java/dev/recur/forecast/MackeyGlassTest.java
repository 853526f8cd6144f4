package dev.recur.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link MackeyGlass}: against an independent Python implementation of the same integrator
 * ({@code tools/gen_mackey_glass_reference.py}, numbers pasted here), determinism, the benchmark's
 * range, convergence in the step, and refusals.
 */
class MackeyGlassTest {

    // generate(8, 17, 0.1, 10, 1.2, 0): the classic benchmark from the start
    private static final double[] CLASSIC_FIRST = {1.2, 1.1175622107750187, 1.0429694144234674, 0.9754750611680804,
        0.9144036448359558, 0.8591439421657326, 0.809142895479753, 0.7639000774969358};
    // generate(8, 17, 0.1, 10, 1.2, 300)
    private static final double[] CLASSIC_AFTER_300 = {1.1527300522010877, 1.0944241690106067, 1.034613105472447,
        0.974822784258494, 0.9160364349694011, 0.8588990931241871, 0.8038451436535562, 0.7511645196409578};
    // generate(8, 17, 0.3, 3, 1.2, 50): τ/dt = 56.67, the delayed value interpolated at every stage
    private static final double[] STEP_0_3 = {1.1664006651135643, 1.1524295903067374, 1.1340500208709896,
        1.1133789517730417, 1.0921486929979332, 1.071716164330902, 1.05311519185331, 1.0371118879060086};

    @Test
    void matchesTheIndependentPythonIntegrator() {
        assertArrayEquals(CLASSIC_FIRST, MackeyGlass.generate(8, 17, 0.1, 10, 1.2, 0), 1e-9);
        assertArrayEquals(CLASSIC_AFTER_300, MackeyGlass.generate(8, 17, 0.1, 10, 1.2, 300), 1e-9);
        assertArrayEquals(STEP_0_3, MackeyGlass.generate(8, 17, 0.3, 3, 1.2, 50), 1e-9);
    }

    @Test
    void isDeterministicAndDiscardDropsLeadingSamples() {
        double[] a = MackeyGlass.generate(500, 17, 0.1, 10, 1.2, 100);
        assertArrayEquals(a, MackeyGlass.generate(500, 17, 0.1, 10, 1.2, 100), 0);
        double[] longer = MackeyGlass.generate(600, 17, 0.1, 10, 1.2, 0);
        for (int j = 0; j < a.length; j++) {
            assertEquals(longer[100 + j], a[j], 0);
        }
    }

    @Test
    void theBenchmarkOscillatesWithinItsKnownRange() {
        double[] x = MackeyGlass.generate(3000, 17, 0.1, 10, 1.2, 300);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min > 0.2 && max < 1.5, "range " + min + " .. " + max);
        // it does oscillate: it spans most of that range
        assertTrue(max - min > 0.7, "range " + min + " .. " + max);
    }

    @Test
    void halvingTheStepChangesTheSeriesLittle() {
        // the same sampling interval of 1 at dt = 0.1 and 0.05: second order, error ≈ 1.3e-5 over 60 samples
        double[] coarse = MackeyGlass.generate(60, 17, 0.1, 10, 1.2, 0);
        double[] fine = MackeyGlass.generate(60, 17, 0.05, 20, 1.2, 0);
        assertArrayEquals(fine, coarse, 5e-5);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MackeyGlass.generate(0, 17, 0.1, 10, 1.2, 0));
        assertThrows(IllegalArgumentException.class, () -> MackeyGlass.generate(10, 0, 0.1, 10, 1.2, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MackeyGlass.generate(10, 17, 18, 1, 1.2, 0));
        assertTrue(e.getMessage().startsWith("Mackey-Glass: expected a step 0 < dt <= tau = 17, found 18.0"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MackeyGlass.generate(10, 17, Double.NaN, 10, 1.2, 0));
        assertThrows(IllegalArgumentException.class, () -> MackeyGlass.generate(10, 17, 0.1, 0, 1.2, 0));
        assertThrows(IllegalArgumentException.class, () -> MackeyGlass.generate(10, 17, 0.1, 10, Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> MackeyGlass.generate(10, 17, 0.1, 10, 1.2, -1));
    }
}
