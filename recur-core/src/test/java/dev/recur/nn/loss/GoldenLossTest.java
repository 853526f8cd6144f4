package dev.recur.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recur.io.SafetensorsFile;
import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the test resource folder {@code golden/losses} (written by
 * {@code tools/gen_golden_losses.py} with PyTorch 1.13 in float64): the loss built from the case's
 * settings by {@link Loss#fromMap}, run on the case's output and targets, must give torch's value,
 * weight and autograd gradient, in float64 within {@code |a − e| <= 1e-12 + 1e-9·|e|} and in float32
 * within {@code 1e-5 + 1e-4·|e|}. The folder must hold at least one case.
 */
class GoldenLossTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The case files, sorted. */
    static List<Path> cases() {
        URL url = GoldenLossTest.class.getResource("/golden/losses/README.md");
        if (url == null) {
            throw new AssertionError("the test resource folder golden/losses is missing");
        }
        try (Stream<Path> s = Files.list(Path.of(url.toURI()).getParent())) {
            List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            if (found.isEmpty()) {
                throw new AssertionError("golden/losses holds no case (regenerate with tools/gen_golden_losses.py)");
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() {
        return cases().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static void check(Path path) throws IOException {
        SafetensorsFile f = SafetensorsFile.read(path);
        @SuppressWarnings("unchecked")
        Map<String, Object> settings = JSON.readValue(f.metadata("loss"), Map.class);
        Loss loss = Loss.fromMap(settings);
        assertEquals(settings, loss.toMap(), "toMap of the case's loss");
        int steps = Integer.parseInt(f.metadata("steps"));
        int batch = Integer.parseInt(f.metadata("batch"));
        int width = Integer.parseInt(f.metadata("width"));
        assertEquals(steps > 0 ? "per_step" : "per_sequence", f.metadata("layout"));
        double expectedLoss = Double.parseDouble(f.metadata("expected_loss"));
        double expectedWeight = Double.parseDouble(f.metadata("expected_weight"));
        double[] output = f.doubles("output");
        double[] expectedGrad = f.doubles("expected_grad");
        int[] lengths = f.contains("lengths") ? ints(f.longs("lengths")) : null;
        Targets targets = loss.classTargets() ? new Targets.Classes(ints(f.longs("targets")))
                : new Targets.Values(f.doubles("targets"), width);
        String name = f.metadata("case");

        run(name, Precision.F64, output, steps, batch, width, lengths, loss, targets, expectedLoss, expectedWeight,
                expectedGrad, 1e-9, 1e-12);
        run(name, Precision.F32, output, steps, batch, width, lengths, loss, targets, expectedLoss, expectedWeight,
                expectedGrad, 1e-4, 1e-5);
    }

    private static <A> void run(String name, Precision<A> p, double[] output, int steps, int batch, int width,
                                int[] lengths, Loss loss, Targets targets, double expectedLoss, double expectedWeight,
                                double[] expectedGrad, double rtol, double atol) {
        A values = p.fromDoubles(output);
        Activations<A> act = steps > 0 ? Activations.sequence(values, steps, batch, width, lengths)
                : Activations.perSequence(values, batch, width);
        A grad = p.fromDoubles(filledNaN(output.length));
        LossValue v = loss.compute(p, act, targets, grad);
        String what = name + " (" + p + ")";
        close(what + " loss", expectedLoss, v.value(), rtol, atol);
        assertEquals(expectedWeight, v.weight(), 1e-12 * expectedWeight, what + " weight");
        assertEquals(loss.reduction(), v.reduction(), what + " reduction");
        double[] g = p.toDoubles(grad);
        for (int i = 0; i < g.length; i++) {
            close(what + " gradient[" + i + "]", expectedGrad[i], g[i], rtol, atol);
            if (expectedGrad[i] == 0 && p.isDouble()) {
                // padding, ignored rows, zero-weight rows without smoothing, L1's zero error
                assertEquals(0.0, Math.abs(g[i]), 0.0, what + " gradient[" + i + "] must be exactly 0");
            }
        }
        // the loss alone is the same with and without the gradient
        assertEquals(v.value(), loss.compute(p, act, targets, null).value(), 0.0, what + " without gradient");
    }

    private static void close(String what, double expected, double actual, double rtol, double atol) {
        assertTrue(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected),
                what + ": expected " + expected + ", found " + actual + " (difference " + (actual - expected) + ")");
    }

    private static double[] filledNaN(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    private static int[] ints(long[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.toIntExact(a[i]);
        }
        return out;
    }
}
