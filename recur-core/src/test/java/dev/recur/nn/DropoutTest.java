package dev.recur.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link Dropout}: inverted scaling, determinism from (seed, counter), inference no-op. */
class DropoutTest {

    private static Activations<double[]> rows(double[] x) {
        return Activations.perSequence(x, 1, x.length);
    }

    @Test
    void dropsAboutPAndScalesTheRest() {
        Dropout<double[]> d = new Dropout<>(Precision.F64, 0.25, 42);
        int n = 20000;
        double[] x = new double[n];
        Arrays.fill(x, 2);
        double[] y = d.forward(rows(x)).values();
        double[] mask = d.mask(0, n);
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(2, x[i], "the input is not modified");
            if (mask[i] == 0) {
                zeros++;
                assertEquals(0, y[i]);
            } else {
                assertEquals(1 / 0.75, mask[i]);
                assertEquals(2 / 0.75, y[i]);
            }
        }
        assertEquals(0.25, zeros / (double) n, 0.015);
        assertEquals(1, d.draws());
        double[] dy = new double[n];
        Arrays.fill(dy, 1);
        assertArrayEquals(mask, d.backward(rows(dy)).values(), 0);
        assertThrows(IllegalStateException.class, () -> d.backward(rows(dy)), "one backward per forward");
    }

    @Test
    void masksArePureFunctionsOfSeedAndCounter() {
        Dropout<double[]> a = new Dropout<>(Precision.F64, 0.5, 7);
        double[] ones = new double[64];
        Arrays.fill(ones, 1);
        double[] m0 = a.forward(rows(ones)).values();
        double[] m1 = a.forward(rows(ones)).values();
        assertFalse(Arrays.equals(m0, m1), "consecutive masks differ");
        Dropout<double[]> b = new Dropout<>(Precision.F64, 0.5, 7);
        b.setDraws(1);
        assertArrayEquals(m1, b.forward(rows(ones)).values(), 0);
        assertArrayEquals(m0, b.mask(0, 64), 0);
        assertFalse(Arrays.equals(m0, new Dropout<>(Precision.F64, 0.5, 8).mask(0, 64)), "another seed, another mask");
        float[] f = new Dropout<>(Precision.F32, 0.5, 7).mask(0, 64);
        for (int i = 0; i < 64; i++) {
            assertEquals((float) m0[i], f[i]);
        }
    }

    @Test
    void inferenceAndZeroProbabilityPassTheInputThrough() {
        double[] x = {1, 2, 3};
        Dropout<double[]> d = new Dropout<>(Precision.F64, 0.5, 1);
        d.setTraining(false);
        Activations<double[]> in = rows(x);
        assertSame(in, d.forward(in));
        assertSame(in, new Dropout<>(Precision.F64, 0, 1).forward(in));
        assertArrayEquals(new double[] {1, 2, 3}, x, 0);
        assertEquals(0, d.draws());
        assertSame(in, d.backward(in));
        assertArrayEquals(new double[] {1, 2, 3}, x, 0);
    }

    @Test
    void invalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout<>(Precision.F64, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Dropout<>(Precision.F64, -0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Dropout<>(Precision.F64, Double.NaN, 0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Dropout<>(Precision.F64, 0.1, 0).setDraws(-1))
                .getMessage().contains("-1"));
    }
}
