package dev.recur.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** {@link Dropout}: inverted scaling, determinism from (seed, counter), inference no-op. */
class DropoutTest {

    @Test
    void dropsAboutPAndScalesTheRest() {
        Dropout d = new Dropout(0.25, 42);
        int n = 20000;
        double[] x = new double[n];
        Arrays.fill(x, 2);
        double[] mask = d.forward(Precision.F64, x, n, true);
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0) {
                zeros++;
                assertEquals(0, x[i]);
            } else {
                assertEquals(1 / 0.75, mask[i]);
                assertEquals(2 / 0.75, x[i]);
            }
        }
        assertEquals(0.25, zeros / (double) n, 0.015);
        assertEquals(1, d.counter());
        double[] dx = new double[n];
        Arrays.fill(dx, 1);
        Dropout.backward(Precision.F64, mask, dx, n);
        assertArrayEquals(mask, dx, 0);
    }

    @Test
    void masksArePureFunctionsOfSeedAndCounter() {
        Dropout a = new Dropout(0.5, 7);
        double[] m0 = a.forward(Precision.F64, new double[64], 64, true);
        double[] m1 = a.forward(Precision.F64, new double[64], 64, true);
        assertFalse(Arrays.equals(m0, m1), "consecutive masks differ");
        Dropout b = new Dropout(0.5, 7);
        b.setCounter(1);
        assertArrayEquals(m1, b.forward(Precision.F64, new double[64], 64, true), 0);
        assertArrayEquals(m0, b.mask(Precision.F64, 0, 64), 0);
        assertFalse(Arrays.equals(m0, new Dropout(0.5, 8).mask(Precision.F64, 0, 64)), "another seed, another mask");
        float[] f = b.mask(Precision.F32, 0, 64);
        for (int i = 0; i < 64; i++) {
            assertEquals((float) m0[i], f[i]);
        }
    }

    @Test
    void inferenceAndZeroProbabilityDoNothing() {
        double[] x = {1, 2, 3};
        Dropout d = new Dropout(0.5, 1);
        assertNull(d.forward(Precision.F64, x, 3, false));
        assertNull(new Dropout(0, 1).forward(Precision.F64, x, 3, true));
        assertArrayEquals(new double[] {1, 2, 3}, x, 0);
        assertEquals(0, d.counter());
        Dropout.backward(Precision.F64, null, x, 3);
        assertArrayEquals(new double[] {1, 2, 3}, x, 0);
    }

    @Test
    void invalidArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN, 0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Dropout(0.1, 0).setCounter(-1))
                .getMessage().contains("-1"));
    }
}
