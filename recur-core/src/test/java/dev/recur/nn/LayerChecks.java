package dev.recur.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.recur.tensor.Precision;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Checks shared by the tests of {@link Pooling}, {@link LayerNorm}, {@link Activation} and
 * {@link Concat}: finite differences of every input and parameter in float64, padding that neither
 * changes the output nor receives gradient, float32 against float64, and one-line messages.
 */
final class LayerChecks {

    private LayerChecks() {
    }

    /** A module that is a layer of activations. */
    @SuppressWarnings("unchecked")
    static <A> Layer<A, Activations<A>, Activations<A>> layer(Module<A> m) {
        return (Layer<A, Activations<A>, Activations<A>>) m;
    }

    /**
     * Compares the analytic gradients of {@code S = Σ y ⊙ g} ({@code g} random) with respect to
     * {@code x} and every parameter with finite differences, and fails unless all are within
     * {@link FiniteDifference#TOLERANCE}.
     *
     * @return the analytic input gradient
     */
    static Activations<double[]> gradCheck(String what, Module<double[]> m, Activations<double[]> x, long seed) {
        Layer<double[], Activations<double[]>, Activations<double[]>> layer = layer(m);
        Activations<double[]> y = layer.forward(x);
        double[] g = FiniteDifference.uniform(new SplittableRandom(seed), y.values().length, 1);
        m.zeroGrad();
        Activations<double[]> dx = layer.backward(y.with(g, y.width()));
        DoubleSupplier s = () -> FiniteDifference.dot(layer.forward(x).values(), g);
        FiniteDifference fd = new FiniteDifference().check("x", x.values(), dx.values(), s);
        for (Map.Entry<String, Parameter<double[]>> e : m.namedParameters().entrySet()) {
            fd.check(e.getKey(), e.getValue().value(), e.getValue().grad().clone(), s);
        }
        fd.assertPassed(what);
        return dx;
    }

    /**
     * Checks that the padding steps of {@code x} receive exactly 0 gradient (in {@code dx}) and that
     * other values there leave the output unchanged, bit for bit.
     */
    static void paddingIsIgnored(String what, Module<double[]> m, Activations<double[]> x, Activations<double[]> dx) {
        int batch = x.batch();
        int width = x.width();
        for (int t = 0; t < x.steps(); t++) {
            for (int b = 0; b < batch; b++) {
                if (!x.valid(t, b)) {
                    for (int j = 0; j < width; j++) {
                        double v = dx.values()[(t * batch + b) * width + j];
                        if (v != 0 || Double.doubleToRawLongBits(v) != 0) {
                            fail(what + ": gradient " + v + " at padding step t=" + t + ", b=" + b + ", j=" + j);
                        }
                    }
                }
            }
        }
        double[] y = layer(m).forward(x).values().clone();
        double[] other = x.values().clone();
        SplittableRandom rng = new SplittableRandom(99);
        for (int t = 0; t < x.steps(); t++) {
            for (int b = 0; b < batch; b++) {
                if (!x.valid(t, b)) {
                    for (int j = 0; j < width; j++) {
                        other[(t * batch + b) * width + j] = 1e3 * (2 * rng.nextDouble() - 1);
                    }
                }
            }
        }
        double[] y2 = layer(m).forward(x.with(other, width)).values();
        for (int i = 0; i < y.length; i++) {
            if (Double.doubleToLongBits(y[i]) != Double.doubleToLongBits(y2[i])) {
                fail(what + ": output " + i + " changed from " + y[i] + " to " + y2[i] + " with other padding");
            }
        }
    }

    /** Copies every parameter of {@code from} into the parameter of the same name of {@code to}. */
    static void copyParameters(Module<double[]> from, Module<float[]> to) {
        Map<String, Parameter<float[]>> target = to.namedParameters();
        assertEquals(from.namedParameters().keySet(), target.keySet());
        from.namedParameters().forEach((name, p) -> {
            float[] v = Precision.F32.fromDoubles(p.value());
            System.arraycopy(v, 0, target.get(name).value(), 0, v.length);
        });
    }

    /**
     * Runs the same forward and backward pass in float64 and float32 (the float32 module holding
     * the float64 parameters rounded) and requires output, input gradient and parameter gradients
     * to agree within {@code 1e-5 + 1e-4·|float64 value|}.
     */
    static void float32Agrees(String what, Module<double[]> d, Module<float[]> f, Activations<double[]> x,
                              long seed) {
        copyParameters(d, f);
        Activations<double[]> yd = layer(d).forward(x);
        Activations<float[]> xf = new Activations<>(Precision.F32.fromDoubles(x.values()), x.steps(), x.batch(),
                x.width(), x.lengths());
        Activations<float[]> yf = layer(f).forward(xf);
        close(what + " y", yd.values(), yf.values());
        double[] g = FiniteDifference.uniform(new SplittableRandom(seed), yd.values().length, 1);
        d.zeroGrad();
        f.zeroGrad();
        double[] dxd = layer(d).backward(yd.with(g, yd.width())).values();
        float[] dxf = layer(f).backward(yf.with(Precision.F32.fromDoubles(g), yf.width())).values();
        close(what + " dx", dxd, dxf);
        Map<String, Parameter<float[]>> fp = f.namedParameters();
        d.namedParameters().forEach((name, p) -> close(what + " " + name + " gradient", p.grad(),
                fp.get(name).grad()));
    }

    static void close(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": number of values");
        for (int i = 0; i < expected.length; i++) {
            double bound = 1e-5 + 1e-4 * Math.abs(expected[i]);
            if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
                fail(what + "[" + i + "]: float32 " + actual[i] + ", float64 " + expected[i]);
            }
        }
    }

    /** {@code [T, B, F]} draws from U(−1, 1). */
    static Activations<double[]> sequence(SplittableRandom rng, int steps, int batch, int width, int[] lengths) {
        return Activations.sequence(FiniteDifference.uniform(rng, steps * batch * width, 1), steps, batch, width,
                lengths);
    }

    /** Fails unless the exception's message is one line holding every fragment. */
    static void assertOneLine(Exception e, String... fragments) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' in: " + m);
        }
    }
}
