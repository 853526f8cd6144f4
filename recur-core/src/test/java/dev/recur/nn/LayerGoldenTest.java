package dev.recur.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.recur.io.SafetensorsFile;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PyTorch references of {@code golden/layers} (written by {@code tools/gen_golden_layers.py},
 * described in that folder's README): each case's layer is rebuilt from its metadata, its
 * parameters loaded by name, and its output, input gradients and parameter gradients compared in
 * float64 and in float32.
 */
class LayerGoldenTest {

    /** {@code |a − b| <= atol + rtol·|b|} elementwise, {@code b} the stored float64 value. */
    private record Tolerance(double rtol, double atol) {

        void check(String what, double[] expected, double[] actual) {
            assertEquals(expected.length, actual.length, what + ": number of values");
            for (int i = 0; i < expected.length; i++) {
                double bound = atol + rtol * Math.abs(expected[i]);
                if (!(Math.abs(actual[i] - expected[i]) <= bound)) {
                    fail(String.format("%s: element %d is %.17g, expected %.17g (|diff| = %.3g > %.3g)", what, i,
                            actual[i], expected[i], Math.abs(actual[i] - expected[i]), bound));
                }
            }
        }
    }

    private static final Tolerance F64 = new Tolerance(1e-9, 1e-12);
    private static final Tolerance F32 = new Tolerance(1e-4, 1e-5);

    /** The folder of the cases in the test resources. */
    static Path folder() {
        URL url = LayerGoldenTest.class.getResource("/golden/layers/README.md");
        if (url == null) {
            throw new AssertionError("the layer reference cases (test resource golden/layers) are missing");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code *.safetensors} files of {@code dir}, sorted; fails when there is none. */
    static List<Path> caseFiles(Path dir) {
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (found.isEmpty()) {
            throw new AssertionError("layer reference folder " + dir + " holds no *.safetensors case; regenerate it "
                    + "with tools/gen_golden_layers.py");
        }
        return found;
    }

    @Test
    void anEmptyFolderFails(@TempDir Path dir) {
        AssertionError e = assertThrows(AssertionError.class, () -> caseFiles(dir));
        assertTrue(e.getMessage().contains("holds no *.safetensors case"), e.getMessage());
    }

    @Test
    void everyKindIsCovered() throws IOException {
        List<String> kinds = new ArrayList<>();
        for (Path p : caseFiles(folder())) {
            SafetensorsFile f = SafetensorsFile.read(p);
            String kind = f.metadata("kind");
            kinds.add(kind.equals("pooling") ? kind + ":" + f.metadata("pooling") + ":" + f.metadata("directions")
                    : kind.equals("layernorm") ? kind + ":" + f.metadata("affine")
                    : kind.equals("activation") ? kind + ":" + f.metadata("activation") : kind);
        }
        for (String k : List.of("pooling:last:1", "pooling:last:2", "pooling:mean:1", "pooling:max:1",
                "pooling:attention:1", "layernorm:true", "layernorm:false", "activation:tanh", "activation:relu",
                "activation:sigmoid", "concat")) {
            assertTrue(kinds.contains(k), "no reference case of " + k + " in " + kinds);
        }
    }

    @TestFactory
    List<DynamicNode> referenceCases() throws IOException {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path path : caseFiles(folder())) {
            SafetensorsFile file = SafetensorsFile.read(path);
            String name = path.getFileName().toString().replace(".safetensors", "");
            nodes.add(DynamicContainer.dynamicContainer(name, List.of(
                    DynamicTest.dynamicTest("float64", () -> check(file, Precision.F64, F64)),
                    DynamicTest.dynamicTest("float32", () -> check(file, Precision.F32, F32)))));
        }
        return nodes;
    }

    private static <A> void check(SafetensorsFile f, Precision<A> p, Tolerance tol) {
        String kind = f.metadata("kind");
        if (kind.equals("concat")) {
            checkConcat(f, p, tol);
            return;
        }
        Activations<A> x = activations(f, p, "x");
        Module<A> module = build(f, p, x.width());
        @SuppressWarnings("unchecked")
        Layer<A, Activations<A>, Activations<A>> layer = (Layer<A, Activations<A>, Activations<A>>) module;
        String listed = f.metadata("parameters");
        List<String> names = listed.isEmpty() ? List.of() : Arrays.asList(listed.split(","));
        Map<String, Parameter<A>> params = module.namedParameters();
        assertEquals(names, new ArrayList<>(params.keySet()), "parameters in named_parameters() order");
        for (String n : names) {
            Parameter<A> param = params.get(n);
            assertArrayEquals(f.shape("param." + n), param.shape(), n + " shape");
            double[] v = f.doubles("param." + n);
            p.kernels().copy(p.fromDoubles(v), 0, param.value(), 0, v.length);
        }
        module.zeroGrad();

        Activations<A> y = layer.forward(x);
        int[] yShape = f.shape("y");
        assertEquals(yShape.length == 3, y.perStep(), "output arrangement");
        if (y.perStep()) {
            assertArrayEquals(x.lengths(), y.lengths(), "output lengths are the input's");
        }
        tol.check("y", f.doubles("y"), p.toDoubles(y.values()));

        Activations<A> dx = layer.backward(y.with(p.fromDoubles(f.doubles("dy")), y.width()));
        assertEquals(x.steps(), dx.steps());
        assertEquals(x.width(), dx.width());
        assertArrayEquals(x.lengths(), dx.lengths(), "input gradient lengths are the input's");
        tol.check("dx", f.doubles("dx"), p.toDoubles(dx.values()));
        for (String n : names) {
            tol.check("grad." + n, f.doubles("grad." + n), p.toDoubles(params.get(n).grad()));
        }
    }

    private static <A> Module<A> build(SafetensorsFile f, Precision<A> p, int width) {
        switch (f.metadata("kind")) {
            case "pooling" -> {
                Pooling.Kind kind = Pooling.Kind.fromId(f.metadata("pooling"));
                return switch (kind) {
                    case LAST -> Pooling.last(p, width, Integer.parseInt(f.metadata("directions")));
                    case MEAN -> Pooling.mean(p, width);
                    case MAX -> Pooling.max(p, width);
                    case ATTENTION -> Pooling.attention(p, width, Integer.parseInt(f.metadata("attention_size")),
                            new SplittableRandom(0));
                };
            }
            case "layernorm" -> {
                assertEquals(LayerNorm.EPS, Double.parseDouble(f.metadata("eps")));
                return new LayerNorm<>(p, width, Boolean.parseBoolean(f.metadata("affine")));
            }
            case "activation" -> {
                return new Activation<>(p, Activation.Kind.fromId(f.metadata("activation")));
            }
            default -> throw new AssertionError("unknown reference case kind '" + f.metadata("kind") + "'");
        }
    }

    private static <A> void checkConcat(SafetensorsFile f, Precision<A> p, Tolerance tol) {
        Concat<A> concat = new Concat<>(p);
        Activations<A> x1 = activations(f, p, "x1");
        Activations<A> x2 = activations(f, p, "x2");
        assertTrue(concat.namedParameters().isEmpty());
        Activations<A> y = concat.forward(x1, x2);
        assertEquals(x1.width() + x2.width(), y.width());
        assertArrayEquals(x1.lengths(), y.lengths());
        tol.check("y", f.doubles("y"), p.toDoubles(y.values()));
        Concat.Gradients<A> g = concat.backward(y.with(p.fromDoubles(f.doubles("dy")), y.width()));
        tol.check("dx1", f.doubles("dx1"), p.toDoubles(g.first().values()));
        tol.check("dx2", f.doubles("dx2"), p.toDoubles(g.second().values()));
        assertEquals(x1.width(), g.first().width());
        assertEquals(x2.width(), g.second().width());
    }

    /** The tensor {@code name} as activations: per step with the case's lengths when it is 3-D. */
    private static <A> Activations<A> activations(SafetensorsFile f, Precision<A> p, String name) {
        int[] s = f.shape(name);
        A values = p.fromDoubles(f.doubles(name));
        if (s.length == 2) {
            return Activations.perSequence(values, s[0], s[1]);
        }
        int[] lengths = null;
        if (f.contains("lengths")) {
            lengths = Arrays.stream(f.longs("lengths")).mapToInt(Math::toIntExact).toArray();
        }
        return Activations.sequence(values, s[0], s[1], s[2], lengths);
    }
}
