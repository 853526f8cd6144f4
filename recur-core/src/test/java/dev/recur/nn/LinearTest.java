package dev.recur.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Linear}: values by hand, finite-difference gradients, shape errors. */
class LinearTest {

    @Test
    void forwardMatchesHandComputation() {
        Linear<double[]> l = new Linear<>(Precision.F64, 2, 3, true);
        System.arraycopy(new double[] {1, 2, 3, 4, 5, 6}, 0, l.weight().value(), 0, 6);   // W [3, 2]
        System.arraycopy(new double[] {0.5, -1, 2}, 0, l.bias().value(), 0, 3);
        double[] x = {1, -1, 2, 0.5};   // [2, 2]
        double[] y = new double[6];
        l.forward(x, 2, y);
        // y[n][o] = Σ_i x[n][i] W[o][i] + b[o]
        assertArrayEquals(new double[] {1 - 2 + 0.5, 3 - 4 - 1, 5 - 6 + 2, 2 + 1 + 0.5, 6 + 2 - 1, 10 + 3 + 2}, y, 0);
        assertEquals("weight", l.weight().name());
        assertEquals("bias", l.bias().name());
        assertArrayEquals(new int[] {3, 2}, l.weight().shape());
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (boolean bias : new boolean[] {true, false}) {
            SplittableRandom rng = new SplittableRandom(7);
            int n = 4;
            Linear<double[]> l = Linear.create(Precision.F64, 3, 5, bias, rng);
            double[] x = FiniteDifference.uniform(rng, n * 3, 1);
            double[] g = FiniteDifference.uniform(rng, n * 5, 1);   // S = Σ Y ⊙ G
            double[] y = new double[n * 5];
            double[] dx = new double[n * 3];
            l.backward(x, g, n, dx);
            java.util.function.DoubleSupplier s = () -> {
                l.forward(x, n, y);
                return FiniteDifference.dot(y, g);
            };
            FiniteDifference fd = new FiniteDifference()
                    .check("x", x, dx, s)
                    .check("weight", l.weight().value(), l.weight().grad().clone(), s);
            if (bias) {
                fd.check("bias", l.bias().value(), l.bias().grad().clone(), s);
            }
            fd.assertPassed("linear bias=" + bias);
        }
    }

    @Test
    void backwardAccumulatesParameterGradients() {
        SplittableRandom rng = new SplittableRandom(3);
        Linear<double[]> l = Linear.create(Precision.F64, 2, 2, true, rng);
        double[] x = {1, 2};
        double[] dy = {1, -1};
        l.backward(x, dy, 1, null);
        l.backward(x, dy, 1, null);
        // dW = 2 · dyᵀ x, db = 2 · dy
        assertArrayEquals(new double[] {2, 4, -2, -4}, l.weight().grad(), 0);
        assertArrayEquals(new double[] {2, -2}, l.bias().grad(), 0);
    }

    @Test
    void float32AgreesWithFloat64() {
        SplittableRandom rng = new SplittableRandom(11);
        Linear<double[]> d = Linear.create(Precision.F64, 4, 3, true, rng);
        Linear<float[]> f = new Linear<>(Precision.F32, 4, 3, true);
        for (int i = 0; i < 12; i++) {
            f.weight().value()[i] = (float) d.weight().value()[i];
        }
        for (int i = 0; i < 3; i++) {
            f.bias().value()[i] = (float) d.bias().value()[i];
        }
        double[] x = FiniteDifference.uniform(rng, 8, 1);
        double[] yd = new double[6];
        float[] yf = new float[6];
        d.forward(x, 2, yd);
        f.forward(Precision.F32.fromDoubles(x), 2, yf);
        for (int i = 0; i < 6; i++) {
            assertEquals(yd[i], yf[i], 1e-5);
        }
    }

    @Test
    void wrongShapesNameExpectedAndFound() {
        Linear<double[]> l = new Linear<>(Precision.F64, 3, 2, true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> l.forward(new double[8], 2, new double[4]));
        assertTrue(e.getMessage().contains("expected [N, in] = [2, 3] = 6 values, found 8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> l.forward(new double[6], 2, new double[5]));
        assertThrows(IllegalArgumentException.class, () -> new Linear<>(Precision.F64, 0, 2, true));
    }
}
