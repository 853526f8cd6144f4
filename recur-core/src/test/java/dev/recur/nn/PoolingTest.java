package dev.recur.nn;

import static dev.recur.nn.LayerChecks.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.tensor.Precision;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link Pooling}: values by hand, finite-difference gradients, padding, float32, bad input. */
class PoolingTest {

    private static final int[] LENGTHS = {5, 2, 4, 1};

    /** The layers checked: last (D = 1, 2), mean, max and attention, over width F. */
    private static List<Pooling<double[]>> all(int width, long seed) {
        return List.of(Pooling.last(Precision.F64, width, 1), Pooling.last(Precision.F64, width, 2),
                Pooling.mean(Precision.F64, width), Pooling.max(Precision.F64, width),
                Pooling.attention(Precision.F64, width, 3, new SplittableRandom(seed)));
    }

    private static String name(Pooling<?> p) {
        return p.kind().id() + (p.kind() == Pooling.Kind.LAST ? " D=" + p.directions() : "");
    }

    /**
     * {@code [T, B, F]} whose valid values of every column {@code (b, j)} are at least 0.05 apart, so
     * that no finite-difference step (at most 2e-3) changes which step is the maximum.
     */
    private static Activations<double[]> spread(SplittableRandom rng, int steps, int batch, int width,
                                                int[] lengths) {
        double[] x = new double[steps * batch * width];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < width; j++) {
                int[] order = new int[steps];
                for (int t = 0; t < steps; t++) {
                    order[t] = t;
                }
                for (int t = steps - 1; t > 0; t--) {   // Fisher–Yates
                    int s = rng.nextInt(t + 1);
                    int tmp = order[t];
                    order[t] = order[s];
                    order[s] = tmp;
                }
                for (int t = 0; t < steps; t++) {
                    x[(t * batch + b) * width + j] = 0.1 * order[t] - 0.3 + 0.05 * rng.nextDouble();
                }
            }
        }
        return Activations.sequence(x, steps, batch, width, lengths);
    }

    @Test
    void lastTakesTheLastValidStepPerDirection() {
        // x[t, b, j] = 100 t + 10 b + j, T = 3, B = 2, F = 4, lengths [2, 3]
        double[] x = new double[3 * 2 * 4];
        for (int t = 0; t < 3; t++) {
            for (int b = 0; b < 2; b++) {
                for (int j = 0; j < 4; j++) {
                    x[(t * 2 + b) * 4 + j] = 100 * t + 10 * b + j;
                }
            }
        }
        Activations<double[]> in = Activations.sequence(x, 3, 2, 4, new int[] {2, 3});
        Activations<double[]> uni = Pooling.last(Precision.F64, 4, 1).forward(in);
        assertFalse(uni.perStep());
        assertArrayEquals(new double[] {100, 101, 102, 103, 210, 211, 212, 213}, uni.values(), 0);
        // forward half at len − 1, backward half at step 0
        Pooling<double[]> bi = Pooling.last(Precision.F64, 4, 2);
        assertArrayEquals(new double[] {100, 101, 2, 3, 210, 211, 12, 13}, bi.forward(in).values(), 0);
        double[] dx = bi.backward(Activations.perSequence(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4)).values();
        double[] expected = new double[24];
        expected[2] = 3;    // t=0, b=0, j=2
        expected[3] = 4;
        expected[4 + 2] = 7;   // t=0, b=1
        expected[4 + 3] = 8;
        expected[8] = 1;    // t=1, b=0, j=0
        expected[9] = 2;
        expected[20] = 5;   // t=2, b=1, j=0
        expected[21] = 6;
        assertArrayEquals(expected, dx, 0);
    }

    @Test
    void meanAndMaxCountOnlyValidSteps() {
        // one feature, T = 3, B = 2, lengths [2, 3]: b=0 sees {1, 5}, b=1 sees {4, −2, 3}; padding 9
        double[] x = {1, 4, 5, -2, 9, 3};
        Activations<double[]> in = Activations.sequence(x, 3, 2, 1, new int[] {2, 3});
        Pooling<double[]> mean = Pooling.mean(Precision.F64, 1);
        assertArrayEquals(new double[] {3, 5.0 / 3}, mean.forward(in).values(), 1e-15);
        assertArrayEquals(new double[] {0.5, 1.0 / 3, 0.5, 1.0 / 3, 0, 1.0 / 3},
                mean.backward(Activations.perSequence(new double[] {1, 1}, 2, 1)).values(), 1e-15);
        Pooling<double[]> max = Pooling.max(Precision.F64, 1);
        assertArrayEquals(new double[] {5, 4}, max.forward(in).values(), 0);
        assertArrayEquals(new double[] {0, 7, 6, 0, 0, 0},
                max.backward(Activations.perSequence(new double[] {6, 7}, 2, 1)).values(), 0);
    }

    @Test
    void maxGivesTiesToTheFirstStepAndPropagatesNaN() {
        double[] x = {2, 1, 2, Double.NaN, 2, 3};   // T = 3, B = 2, F = 1
        Pooling<double[]> max = Pooling.max(Precision.F64, 1);
        double[] y = max.forward(Activations.sequence(x, 3, 2, 1)).values();
        assertEquals(2, y[0]);
        assertTrue(Double.isNaN(y[1]), "NaN wins over later numbers");
        // b=0: 2 at t = 0, 1, 2 -> t = 0;  b=1: NaN at t = 1
        assertArrayEquals(new double[] {1, 0, 0, 1, 0, 0},
                max.backward(Activations.perSequence(new double[] {1, 1}, 2, 1)).values(), 0);
    }

    @Test
    void attentionWithAZeroQueryIsTheMean() {
        // q = 0 gives equal scores, so α = 1/len on the valid steps: attention pooling is mean pooling
        SplittableRandom rng = new SplittableRandom(5);
        Pooling<double[]> att = Pooling.attention(Precision.F64, 4, 3, rng);
        java.util.Arrays.fill(att.query().value(), 0);
        Activations<double[]> x = LayerChecks.sequence(rng, 5, 4, 4, LENGTHS);
        double[] expected = Pooling.mean(Precision.F64, 4).forward(x).values();
        assertArrayEquals(expected, att.forward(x).values(), 1e-15);
    }

    @Test
    void attentionHasQueryThenProjParameters() {
        Pooling<double[]> att = Pooling.attention(Precision.F64, 6, 4, new SplittableRandom(1));
        assertEquals(List.of("query", "proj.weight", "proj.bias"), List.copyOf(att.namedParameters().keySet()));
        assertArrayEquals(new int[] {4}, att.query().shape());
        assertArrayEquals(new int[] {4, 6}, att.proj().weight().shape());
        assertArrayEquals(new int[] {4}, att.proj().bias().shape());
        assertEquals(4 + 24 + 4, att.parameterCount());
        for (Pooling<double[]> p : all(6, 1)) {
            if (p.kind() != Pooling.Kind.ATTENTION) {
                assertTrue(p.namedParameters().isEmpty(), name(p) + " has no parameters");
                assertNull(p.proj());
                assertNull(p.query());
            }
        }
    }

    @Test
    void attentionInitialisesProjAsLinearThenQueryFromNormal() {
        int width = 5;
        int size = 4000;
        Pooling<double[]> att = Pooling.attention(Precision.F64, width, size, new SplittableRandom(17));
        // proj is drawn first, exactly as Linear.create from the same generator
        SplittableRandom rng = new SplittableRandom(17);
        Linear<double[]> lin = Linear.create(Precision.F64, width, size, true, rng);
        assertArrayEquals(lin.weight().value(), att.proj().weight().value(), 0);
        assertArrayEquals(lin.bias().value(), att.proj().bias().value(), 0);
        // then query ~ N(0, 1/A): sample standard deviation within 5% of 1/√A (n = 4000)
        double[] q = att.query().value();
        double sum = 0;
        double sq = 0;
        for (double v : q) {
            sum += v;
            sq += v * v;
        }
        double std = Math.sqrt(sq / size - (sum / size) * (sum / size));
        assertEquals(1 / Math.sqrt(size), std, 0.05 / Math.sqrt(size));
        assertEquals(0, sum / size, 4 / Math.sqrt(size) / Math.sqrt(size));
    }

    @Test
    void gradientsMatchFiniteDifferencesForOneStepOfOneSequence() {
        SplittableRandom rng = new SplittableRandom(3);
        for (Pooling<double[]> p : all(4, 3)) {
            LayerChecks.gradCheck(name(p) + " T=1 B=1", p, LayerChecks.sequence(rng, 1, 1, 4, null), 11);
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesForVariableLengths() {
        SplittableRandom rng = new SplittableRandom(4);
        for (Pooling<double[]> p : all(6, 4)) {
            Activations<double[]> x = p.kind() == Pooling.Kind.MAX ? spread(rng, 5, 4, 6, LENGTHS)
                    : LayerChecks.sequence(rng, 5, 4, 6, LENGTHS);
            Activations<double[]> dx = LayerChecks.gradCheck(name(p) + " lengths " + java.util.Arrays.toString(LENGTHS),
                    p, x, 12);
            assertArrayEquals(LENGTHS, dx.lengths(), "the input gradient keeps the lengths");
            LayerChecks.paddingIsIgnored(name(p), p, x, dx);
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesWithoutLengths() {
        SplittableRandom rng = new SplittableRandom(6);
        for (Pooling<double[]> p : all(4, 6)) {
            Activations<double[]> x = p.kind() == Pooling.Kind.MAX ? spread(rng, 3, 2, 4, null)
                    : LayerChecks.sequence(rng, 3, 2, 4, null);
            LayerChecks.gradCheck(name(p) + " no lengths", p, x, 13);
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        SplittableRandom rng = new SplittableRandom(8);
        List<Function<Precision<?>, Pooling<?>>> makers = List.of(
                pr -> Pooling.last(pr, 6, 1), pr -> Pooling.last(pr, 6, 2), pr -> Pooling.mean(pr, 6),
                pr -> Pooling.max(pr, 6), pr -> Pooling.attention(pr, 6, 3, new SplittableRandom(2)));
        for (Function<Precision<?>, Pooling<?>> make : makers) {
            @SuppressWarnings("unchecked")
            Pooling<double[]> d = (Pooling<double[]>) make.apply(Precision.F64);
            @SuppressWarnings("unchecked")
            Pooling<float[]> f = (Pooling<float[]>) make.apply(Precision.F32);
            LayerChecks.float32Agrees(name(d), d, f, LayerChecks.sequence(rng, 7, 4, 6, new int[] {7, 3, 1, 5}), 21);
        }
    }

    @Test
    void kindsHaveIds() {
        for (Pooling.Kind k : Pooling.Kind.values()) {
            assertEquals(k, Pooling.Kind.fromId(k.id()));
        }
        assertEquals(List.of("last", "mean", "max", "attention"),
                java.util.Arrays.stream(Pooling.Kind.values()).map(Pooling.Kind::id).toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pooling.Kind.fromId("avg"));
        assertTrue(e.getMessage().contains("expected one of last, mean, max, attention, found 'avg'"), e.getMessage());
    }

    @Test
    void badInputIsOneLineNamingExpectedAndFound() {
        Pooling<double[]> mean = Pooling.mean(Precision.F64, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mean.forward(Activations.perSequence(new double[8], 2, 4)));
        assertOneLine(e, "mean pooling input: expected one row per step [T, B, F], found [B, F] = [2, 4]",
                "likely cause");
        e = assertThrows(IllegalArgumentException.class,
                () -> mean.forward(Activations.sequence(new double[18], 3, 2, 3)));
        assertOneLine(e, "mean pooling input: expected width F = 4, found [T, B, F] = [3, 2, 3]", "likely cause");

        Pooling<double[]> att = Pooling.attention(Precision.F64, 4, 2, new SplittableRandom(1));
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> att.backward(Activations.perSequence(new double[8], 2, 4)));
        assertOneLine(s, "attention pooling: backward without a forward pass", "likely cause");
        att.forward(Activations.sequence(new double[24], 3, 2, 4));
        e = assertThrows(IllegalArgumentException.class,
                () -> att.backward(Activations.perSequence(new double[12], 3, 4)));
        assertOneLine(e, "attention pooling output gradient: expected [B, F] = [2, 4], found [B, F] = [3, 4]",
                "likely cause");
        att.backward(Activations.perSequence(new double[8], 2, 4));
        assertThrows(IllegalStateException.class, () -> att.backward(Activations.perSequence(new double[8], 2, 4)),
                "one backward per forward");

        e = assertThrows(IllegalArgumentException.class, () -> Pooling.last(Precision.F64, 5, 2));
        assertOneLine(e, "expected an even width F", "found F = 5");
        e = assertThrows(IllegalArgumentException.class, () -> Pooling.last(Precision.F64, 4, 3));
        assertOneLine(e, "expected D = 1 or 2 directions, found 3");
        e = assertThrows(IllegalArgumentException.class,
                () -> Pooling.attention(Precision.F64, 4, 0, new SplittableRandom(1)));
        assertOneLine(e, "expected an attention size A >= 1, found 0");
        e = assertThrows(IllegalArgumentException.class, () -> Pooling.max(Precision.F64, 0));
        assertOneLine(e, "expected a width F >= 1, found 0");
    }
}
