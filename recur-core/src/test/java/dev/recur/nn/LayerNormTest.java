package dev.recur.nn;

import static dev.recur.nn.LayerChecks.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link LayerNorm}: values by hand, parameters, finite-difference gradients, float32, bad input. */
class LayerNormTest {

    /** Weight and bias away from 1 and 0, so that both take part in the gradients. */
    private static LayerNorm<double[]> affine(int width, SplittableRandom rng) {
        LayerNorm<double[]> ln = new LayerNorm<>(Precision.F64, width);
        for (int j = 0; j < width; j++) {
            ln.weight().value()[j] = 1 + 0.5 * (2 * rng.nextDouble() - 1);
            ln.bias().value()[j] = 0.5 * (2 * rng.nextDouble() - 1);
        }
        return ln;
    }

    @Test
    void normalisesEachRowByHand() {
        LayerNorm<double[]> ln = new LayerNorm<>(Precision.F64, 3);
        // row [1, 2, 3]: μ = 2, σ² = 2/3;  row [4, 4, 4]: μ = 4, σ² = 0 so y = bias
        Activations<double[]> y = ln.forward(Activations.perSequence(new double[] {1, 2, 3, 4, 4, 4}, 2, 3));
        double s = 1 / Math.sqrt(2.0 / 3 + 1e-5);
        assertArrayEquals(new double[] {-s, 0, s, 0, 0, 0}, y.values(), 1e-15);
        ln.weight().value()[0] = 2;
        ln.bias().value()[2] = -1;
        y = ln.forward(Activations.perSequence(new double[] {1, 2, 3, 4, 4, 4}, 2, 3));
        assertArrayEquals(new double[] {-2 * s, 0, s - 1, 0, 0, -1}, y.values(), 1e-15);
    }

    @Test
    void hasWeightOneAndBiasZeroUnlessPlain() {
        LayerNorm<double[]> ln = new LayerNorm<>(Precision.F64, 4);
        assertEquals(List.of("weight", "bias"), List.copyOf(ln.namedParameters().keySet()));
        assertArrayEquals(new double[] {1, 1, 1, 1}, ln.weight().value(), 0);
        assertArrayEquals(new double[] {0, 0, 0, 0}, ln.bias().value(), 0);
        assertArrayEquals(new int[] {4}, ln.weight().shape());
        assertTrue(ln.elementwiseAffine());
        LayerNorm<double[]> plain = new LayerNorm<>(Precision.F64, 4, false);
        assertTrue(plain.namedParameters().isEmpty());
        assertFalse(plain.elementwiseAffine());
        assertNull(plain.weight());
        assertEquals(1e-5, LayerNorm.EPS);
    }

    @Test
    void keepsTheArrangementAndNormalisesPaddingRowsToo() {
        SplittableRandom rng = new SplittableRandom(2);
        int[] lengths = {3, 1};
        Activations<double[]> x = LayerChecks.sequence(rng, 3, 2, 5, lengths);
        LayerNorm<double[]> ln = new LayerNorm<>(Precision.F64, 5, false);
        Activations<double[]> y = ln.forward(x);
        assertEquals(3, y.steps());
        assertSame(lengths, y.lengths());
        // a padding row (t = 2, b = 1) has mean 0 and variance ~1 like every other
        double sum = 0;
        double sq = 0;
        for (int j = 0; j < 5; j++) {
            double v = y.values()[(2 * 2 + 1) * 5 + j];
            sum += v;
            sq += v * v;
        }
        assertEquals(0, sum, 1e-14);
        assertEquals(5, sq, 1e-3);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        for (boolean withAffine : new boolean[] {true, false}) {
            String what = withAffine ? "layer norm" : "layer norm without affine";
            LayerChecks.gradCheck(what + " T=1 B=1", withAffine ? affine(4, rng)
                    : new LayerNorm<>(Precision.F64, 4, false), LayerChecks.sequence(rng, 1, 1, 4, null), 5);
            LayerChecks.gradCheck(what + " lengths", withAffine ? affine(6, rng)
                    : new LayerNorm<>(Precision.F64, 6, false), LayerChecks.sequence(rng, 4, 3, 6, new int[] {4, 1, 2}), 6);
            LayerChecks.gradCheck(what + " per sequence", withAffine ? affine(3, rng)
                    : new LayerNorm<>(Precision.F64, 3, false),
                    Activations.perSequence(FiniteDifference.uniform(rng, 12, 2), 4, 3), 7);
        }
    }

    @Test
    void backwardAccumulatesParameterGradients() {
        SplittableRandom rng = new SplittableRandom(4);
        LayerNorm<double[]> ln = affine(3, rng);
        Activations<double[]> x = Activations.perSequence(FiniteDifference.uniform(rng, 6, 1), 2, 3);
        double[] dy = FiniteDifference.uniform(rng, 6, 1);
        ln.backward(ln.forward(x).with(dy.clone(), 3));
        double[] once = ln.bias().grad().clone();
        ln.backward(ln.forward(x).with(dy.clone(), 3));
        // dbias = Σ_rows dy, added on every backward pass
        assertArrayEquals(new double[] {dy[0] + dy[3], dy[1] + dy[4], dy[2] + dy[5]}, once, 1e-15);
        for (int j = 0; j < 3; j++) {
            assertEquals(2 * once[j], ln.bias().grad()[j], 1e-15);
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        SplittableRandom rng = new SplittableRandom(5);
        LayerChecks.float32Agrees("layer norm", affine(8, rng), new LayerNorm<>(Precision.F32, 8),
                LayerChecks.sequence(rng, 5, 3, 8, new int[] {5, 2, 4}), 9);
        LayerChecks.float32Agrees("layer norm without affine", new LayerNorm<>(Precision.F64, 8, false),
                new LayerNorm<>(Precision.F32, 8, false),
                Activations.perSequence(FiniteDifference.uniform(rng, 32, 3), 4, 8), 10);
    }

    @Test
    void badInputIsOneLineNamingExpectedAndFound() {
        LayerNorm<double[]> ln = new LayerNorm<>(Precision.F64, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ln.forward(Activations.perSequence(new double[6], 2, 3)));
        assertOneLine(e, "layer norm input: expected width F = 4, found [B, F] = [2, 3]", "likely cause");
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> ln.backward(Activations.perSequence(new double[8], 2, 4)));
        assertOneLine(s, "layer norm: backward without a forward pass", "likely cause");
        ln.forward(Activations.sequence(new double[24], 3, 2, 4));
        e = assertThrows(IllegalArgumentException.class,
                () -> ln.backward(Activations.perSequence(new double[24], 6, 4)));
        assertOneLine(e, "layer norm output gradient: expected [T, B, F] = [3, 2, 4], found [B, F] = [6, 4]",
                "likely cause");
        e = assertThrows(IllegalArgumentException.class, () -> new LayerNorm<>(Precision.F64, 0));
        assertOneLine(e, "expected a width F >= 1, found 0");
    }
}
