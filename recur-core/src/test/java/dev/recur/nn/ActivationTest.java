package dev.recur.nn;

import static dev.recur.nn.LayerChecks.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Activation}: values by hand, finite-difference gradients, relu at 0, float32, bad input. */
class ActivationTest {

    @Test
    void valuesByHand() {
        double[] x = {0, 1, -2, 30, -800};
        Activations<double[]> in = Activations.perSequence(x, 1, 5);
        assertArrayEquals(new double[] {0, Math.tanh(1), Math.tanh(-2), 1, -1}, new Activation<>(Precision.F64, Activation.Kind.TANH).forward(in).values(), 1e-16);
        assertArrayEquals(new double[] {0, 1, 0, 30, 0},
                new Activation<>(Precision.F64, Activation.Kind.RELU).forward(in).values(), 0);
        // σ(x) = 1/(1 + e^{−x}): σ(0) = 1/2, σ(1) = e/(1 + e), and no overflow far out
        assertArrayEquals(new double[] {0.5, Math.E / (1 + Math.E), 1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(-30)), 0},
                new Activation<>(Precision.F64, Activation.Kind.SIGMOID).forward(in).values(), 1e-16);
    }

    @Test
    void reluHasZeroDerivativeAtZero() {
        Activation<double[]> relu = new Activation<>(Precision.F64, Activation.Kind.RELU);
        relu.forward(Activations.perSequence(new double[] {0, -0.0, 1e-300, -1e-300}, 1, 4));
        double[] dx = relu.backward(Activations.perSequence(new double[] {5, 5, 5, 5}, 1, 4)).values();
        assertArrayEquals(new double[] {0, 0, 5, 0}, dx, 0);
    }

    @Test
    void keepsShapeAndLengths() {
        int[] lengths = {2, 3};
        Activation<double[]> a = new Activation<>(Precision.F64, Activation.Kind.SIGMOID);
        Activations<double[]> y = a.forward(Activations.sequence(new double[3 * 2 * 4], 3, 2, 4, lengths));
        assertSame(lengths, y.lengths());
        assertEquals(3, y.steps());
        assertEquals(4, y.width());
        Activations<double[]> dx = a.backward(y.with(new double[24], 4));
        assertSame(lengths, dx.lengths());
        assertTrue(a.namedParameters().isEmpty());
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        for (Activation.Kind kind : Activation.Kind.values()) {
            Activation<double[]> a = new Activation<>(Precision.F64, kind);
            LayerChecks.gradCheck(kind.id() + " T=1 B=1", a, Activations.sequence(awayFromZero(rng, 3), 1, 1, 3), 4);
            LayerChecks.gradCheck(kind.id() + " lengths", a,
                    Activations.sequence(awayFromZero(rng, 4 * 3 * 2), 4, 3, 2, new int[] {1, 4, 2}), 5);
            LayerChecks.gradCheck(kind.id() + " per sequence", a, Activations.perSequence(awayFromZero(rng, 10), 2, 5), 6);
        }
    }

    /** Draws from ±[0.05, 2.05): relu's kink at 0 stays outside every finite-difference step. */
    private static double[] awayFromZero(SplittableRandom rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (rng.nextBoolean() ? 1 : -1) * (0.05 + 2 * rng.nextDouble());
        }
        return x;
    }

    @Test
    void float32AgreesWithFloat64() {
        SplittableRandom rng = new SplittableRandom(7);
        for (Activation.Kind kind : Activation.Kind.values()) {
            LayerChecks.float32Agrees(kind.id(), new Activation<>(Precision.F64, kind),
                    new Activation<>(Precision.F32, kind),
                    Activations.sequence(FiniteDifference.uniform(rng, 5 * 3 * 4, 3), 5, 3, 4, new int[] {5, 1, 3}), 8);
        }
    }

    @Test
    void kindsHaveIds() {
        assertEquals(List.of("tanh", "relu", "sigmoid"),
                Arrays.stream(Activation.Kind.values()).map(Activation.Kind::id).toList());
        for (Activation.Kind k : Activation.Kind.values()) {
            assertEquals(k, Activation.Kind.fromId(k.id()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Activation.Kind.fromId("gelu"));
        assertOneLine(e, "expected one of tanh, relu, sigmoid, found 'gelu'");
    }

    @Test
    void badInputIsOneLineNamingExpectedAndFound() {
        Activation<double[]> a = new Activation<>(Precision.F64, Activation.Kind.TANH);
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> a.backward(Activations.perSequence(new double[4], 1, 4)));
        assertOneLine(s, "tanh activation: backward without a forward pass", "likely cause");
        a.forward(Activations.perSequence(new double[4], 1, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.backward(Activations.perSequence(new double[3], 1, 3)));
        assertOneLine(e, "tanh activation output gradient: expected [B, F] = [1, 4], found [B, F] = [1, 3]",
                "likely cause");
    }
}
