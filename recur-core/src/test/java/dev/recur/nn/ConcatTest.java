package dev.recur.nn;

import static dev.recur.nn.LayerChecks.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** {@link Concat}: layout by hand, gradients, float32, mismatched inputs. */
class ConcatTest {

    @Test
    void firstColumnsFirstAndGradientsSplit() {
        // T = 2, B = 1: x1 rows [1], [2]; x2 rows [10, 11], [20, 21]
        Concat<double[]> c = new Concat<>(Precision.F64);
        int[] lengths = {1};
        Activations<double[]> y = c.forward(Activations.sequence(new double[] {1, 2}, 2, 1, 1, lengths),
                Activations.sequence(new double[] {10, 11, 20, 21}, 2, 1, 2, lengths));
        assertArrayEquals(new double[] {1, 10, 11, 2, 20, 21}, y.values(), 0);
        assertEquals(3, y.width());
        assertArrayEquals(lengths, y.lengths());
        Concat.Gradients<double[]> g = c.backward(y.with(new double[] {-1, -2, -3, -4, -5, -6}, 3));
        assertArrayEquals(new double[] {-1, -4}, g.first().values(), 0);
        assertArrayEquals(new double[] {-2, -3, -5, -6}, g.second().values(), 0);
        assertEquals(1, g.first().width());
        assertEquals(2, g.second().width());
        assertArrayEquals(lengths, g.first().lengths());
        assertTrue(c.namedParameters().isEmpty());
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(2);
        int[][] shapes = {{1, 1}, {4, 3}};
        for (int[] tb : shapes) {
            int steps = tb[0];
            int batch = tb[1];
            int[] lengths = batch == 3 ? new int[] {4, 1, 2} : null;
            Concat<double[]> c = new Concat<>(Precision.F64);
            Activations<double[]> x1 = LayerChecks.sequence(rng, steps, batch, 2, lengths);
            Activations<double[]> x2 = LayerChecks.sequence(rng, steps, batch, 3, lengths);
            Activations<double[]> y = c.forward(x1, x2);
            double[] g = FiniteDifference.uniform(rng, y.values().length, 1);
            Concat.Gradients<double[]> d = c.backward(y.with(g, 5));
            DoubleSupplier s = () -> FiniteDifference.dot(c.forward(x1, x2).values(), g);
            new FiniteDifference().check("x1", x1.values(), d.first().values(), s)
                    .check("x2", x2.values(), d.second().values(), s)
                    .assertPassed("concat T=" + steps + " B=" + batch);
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        SplittableRandom rng = new SplittableRandom(3);
        int[] lengths = {3, 2};
        Activations<double[]> a = LayerChecks.sequence(rng, 3, 2, 2, lengths);
        Activations<double[]> b = LayerChecks.sequence(rng, 3, 2, 4, lengths);
        Concat<double[]> d = new Concat<>(Precision.F64);
        Concat<float[]> f = new Concat<>(Precision.F32);
        Activations<double[]> yd = d.forward(a, b);
        Activations<float[]> yf = f.forward(toFloat(a), toFloat(b));
        LayerChecks.close("concat y", yd.values(), yf.values());
        double[] g = FiniteDifference.uniform(rng, yd.values().length, 1);
        Concat.Gradients<double[]> gd = d.backward(yd.with(g, 6));
        Concat.Gradients<float[]> gf = f.backward(yf.with(Precision.F32.fromDoubles(g), 6));
        LayerChecks.close("concat dx1", gd.first().values(), gf.first().values());
        LayerChecks.close("concat dx2", gd.second().values(), gf.second().values());
    }

    private static Activations<float[]> toFloat(Activations<double[]> a) {
        return new Activations<>(Precision.F32.fromDoubles(a.values()), a.steps(), a.batch(), a.width(), a.lengths());
    }

    @Test
    void noLengthsEqualsEveryLengthT() {
        Concat<double[]> c = new Concat<>(Precision.F64);
        int[] full = {2, 2};
        Activations<double[]> y = c.forward(Activations.sequence(new double[4], 2, 2, 1),
                Activations.sequence(new double[4], 2, 2, 1, full));
        assertArrayEquals(full, y.lengths());
    }

    @Test
    void badInputIsOneLineNamingExpectedAndFound() {
        Concat<double[]> c = new Concat<>(Precision.F64);
        Activations<double[]> x = Activations.sequence(new double[12], 3, 2, 2, new int[] {3, 2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.forward(x, Activations.sequence(new double[6], 3, 2, 1, new int[] {3, 1})));
        assertOneLine(e, "concat second input: expected the lengths of the first input [3, 2], found [3, 1]",
                "likely cause");
        e = assertThrows(IllegalArgumentException.class,
                () -> c.forward(x, Activations.sequence(new double[6], 3, 2, 1)));
        assertOneLine(e, "expected the lengths of the first input [3, 2], found (none: all 3)");
        e = assertThrows(IllegalArgumentException.class,
                () -> c.forward(x, Activations.sequence(new double[4], 2, 2, 1)));
        assertOneLine(e, "concat second input: expected [T, B] = [3, 2] as the first input, found [T, B, F] = [2, 2, 1]",
                "likely cause");
        e = assertThrows(IllegalArgumentException.class,
                () -> c.forward(x, Activations.perSequence(new double[2], 2, 1)));
        assertOneLine(e, "concat second input: expected one row per step [T, B, F], found [B, F] = [2, 1]");
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> c.backward(Activations.sequence(new double[18], 3, 2, 3)));
        assertOneLine(s, "concat: backward without a forward pass", "likely cause");
        c.forward(x, Activations.sequence(new double[6], 3, 2, 1, new int[] {3, 2}));
        e = assertThrows(IllegalArgumentException.class,
                () -> c.backward(Activations.sequence(new double[12], 3, 2, 2)));
        assertOneLine(e, "concat output gradient: expected [T, B, F] = [3, 2, 3], found [T, B, F] = [3, 2, 2]");
    }
}
