package dev.recur.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.nn.Parameter;
import dev.recur.tensor.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GradientClipping}: PyTorch's clip_grad_norm_ and clip_grad_value_ rules. */
class GradientClippingTest {

    /** Gradients {3, 4} and {12}: per-tensor norms 5 and 12, total 13. */
    private static <A> List<Parameter<A>> params(Precision<A> pr) {
        Parameter<A> a = new Parameter<>(pr.kernels(), "a", 2);
        Parameter<A> b = new Parameter<>(pr.kernels(), "b", 1, 1);
        pr.set(a.grad(), 0, 3);
        pr.set(a.grad(), 1, 4);
        pr.set(b.grad(), 0, 12);
        return List.of(a, b);
    }

    @Test
    void clipsByGlobalNormWithPyTorchsCoefficient() {
        List<Parameter<double[]>> p = params(Precision.F64);
        assertEquals(13, GradientClipping.globalNorm(p));
        double total = GradientClipping.clipByGlobalNorm(p, 6.5);
        assertEquals(13, total);   // the norm before clipping
        double coef = 6.5 / (13 + 1e-6);
        assertArrayEquals(new double[] {3 * coef, 4 * coef}, p.get(0).grad(), 0);
        assertArrayEquals(new double[] {12 * coef}, p.get(1).grad(), 0);
        // the norm after clipping is max_norm · total / (total + 1e-6), just below max_norm
        assertEquals(6.5 * 13 / (13 + 1e-6), GradientClipping.globalNorm(p), 1e-14);
        assertTrue(GradientClipping.globalNorm(p) < 6.5);
    }

    @Test
    void leavesGradientsUnchangedBelowTheLimit() {
        List<Parameter<double[]>> p = params(Precision.F64);
        assertEquals(13, GradientClipping.clipByGlobalNorm(p, 13.5));
        assertArrayEquals(new double[] {3, 4}, p.get(0).grad(), 0);
        assertArrayEquals(new double[] {12}, p.get(1).grad(), 0);
        // at exactly the limit, coef = 13 / (13 + 1e-6) < 1: PyTorch clips very slightly
        GradientClipping.clipByGlobalNorm(p, 13);
        assertEquals(3 * (13 / (13 + 1e-6)), p.get(0).grad()[0], 0);
    }

    @Test
    void float32() {
        List<Parameter<float[]>> p = params(Precision.F32);
        assertEquals(13, GradientClipping.clipByGlobalNorm(p, 1.3));
        assertEquals(0.3f, p.get(0).grad()[0], 1e-7);
        assertEquals(1.2f, p.get(1).grad()[0], 1e-6);
    }

    @Test
    void nonFiniteNormIsReturnedAndNothingChanges() {
        List<Parameter<double[]>> p = params(Precision.F64);
        p.get(1).grad()[0] = Double.POSITIVE_INFINITY;
        assertEquals(Double.POSITIVE_INFINITY, GradientClipping.clipByGlobalNorm(p, 1));
        assertArrayEquals(new double[] {3, 4}, p.get(0).grad(), 0);
        p.get(1).grad()[0] = Double.NaN;
        assertTrue(Double.isNaN(GradientClipping.clipByGlobalNorm(p, 1)));
    }

    @Test
    void clipsByValue() {
        List<Parameter<double[]>> p = params(Precision.F64);
        p.get(0).grad()[0] = -3;
        GradientClipping.clipByValue(p, 3.5);
        assertArrayEquals(new double[] {-3, 3.5}, p.get(0).grad(), 0);
        assertArrayEquals(new double[] {3.5}, p.get(1).grad(), 0);
        List<Parameter<float[]>> f = params(Precision.F32);
        GradientClipping.clipByValue(f, 0.5);
        assertArrayEquals(new float[] {0.5f, 0.5f}, f.get(0).grad(), 0);
    }

    @Test
    void invalidLimits() {
        List<Parameter<double[]>> p = params(Precision.F64);
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(p, 0));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(p, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByValue(p, -1));
    }
}
