package dev.recur.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.SafetensorsFile;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.InputGradients;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.sequence.SequenceBatch;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.SequenceOutput;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every golden case computed by PyTorch in float64 (see {@code golden/cases/README.md}), checked in
 * float64 and in float32 with the tolerances of its §8. The cases come from {@link GoldenDir}.
 */
class GoldenCaseTest {

    /** Kinds this build checks; a case of any other kind is reported as skipped. */
    private static final Set<String> SUPPORTED = Set.of("layer", "packed");

    private static final Map<String, AtomicInteger> CHECKED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> SKIPPED = new ConcurrentHashMap<>();

    @TestFactory
    List<DynamicNode> goldenCases() throws IOException {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path path : GoldenDir.cases()) {
            SafetensorsFile file = SafetensorsFile.read(path);
            String kind = file.metadata().getOrDefault("kind", "(none)");
            String name = path.getFileName().toString().replace(".safetensors", "");
            if (!SUPPORTED.contains(kind)) {
                nodes.add(DynamicTest.dynamicTest(name + " [" + kind + "]", () -> {
                    SKIPPED.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    Assumptions.abort("golden case kind '" + kind + "' is not supported yet: skipped, not passed");
                }));
                continue;
            }
            nodes.add(DynamicContainer.dynamicContainer(name + " [" + kind + "]", List.of(
                    DynamicTest.dynamicTest("float64", () -> checkLayerCase(file, Precision.F64)),
                    DynamicTest.dynamicTest("float32", () -> {
                        checkLayerCase(file, Precision.F32);
                        CHECKED.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                    }))));
        }
        return nodes;
    }

    @AfterAll
    static void summary() {
        Map<String, Integer> checked = new TreeMap<>();
        CHECKED.forEach((k, v) -> checked.put(k, v.get()));
        Map<String, Integer> skipped = new TreeMap<>();
        SKIPPED.forEach((k, v) -> skipped.put(k, v.get()));
        System.out.println("golden cases in " + GoldenDir.dir() + ": checked (float64 and float32) " + checked
                + (skipped.isEmpty() ? "" : "; skipped (kind not supported) " + skipped));
    }

    /** A {@code layer} or {@code packed} case: forward outputs and final states, then every gradient. */
    static <A> void checkLayerCase(SafetensorsFile f, Precision<A> pr) {
        Map<String, String> m = f.metadata();
        assertEquals("false", m.get("batch_first"), "batch_first");
        assertEquals(0.0, Double.parseDouble(m.get("dropout")), "dropout");
        CellKind kind = CellKind.fromId(m.get("cell"));
        int nt = intMeta(m, "seq_len");
        int nb = intMeta(m, "batch");
        RecurrentConfig config = RecurrentConfig.builder(kind, intMeta(m, "input_size"), intMeta(m, "hidden_size"))
                .layers(intMeta(m, "num_layers"))
                .bidirectional(Boolean.parseBoolean(m.get("bidirectional")))
                .projSize(intMeta(m, "proj_size"))
                .bias(Boolean.parseBoolean(m.get("bias")))
                .build();
        SequenceLayer<A> layer = SequenceLayer.create(config, pr, 0);
        List<Parameter<A>> params = layer.parameters();
        assertEquals(List.of(m.get("param_names").split(",")),
                params.stream().map(Parameter::name).collect(Collectors.toList()), "parameter names and order");
        for (Parameter<A> p : params) {
            assertArrayEquals(f.shape(p.name()), p.shape(), "shape of " + p.name());
            pr.kernels().copy(pr.fromDoubles(f.doubles(p.name())), 0, p.value(), 0, p.size());
        }
        boolean lstm = kind.hasCellState();
        int[] lengths = null;
        if ("packed".equals(m.get("kind"))) {
            lengths = Arrays.stream(f.longs("lengths")).mapToInt(Math::toIntExact).toArray();
        }
        Tolerance tol = Tolerance.of(pr == Precision.F64, nt);
        Set<String> compared = new TreeSet<>();

        SequenceOutput<A> out = layer.forward(new SequenceBatch<>(load(f, pr, "x"), nt, nb, lengths),
                new State<>(load(f, pr, "h0"), lstm ? load(f, pr, "c0") : null), false);
        compare(f, pr, tol, "y", out.output(), compared);
        compare(f, pr, tol, "h_n", out.finalState().h(), compared);
        if (lstm) {
            compare(f, pr, tol, "c_n", out.finalState().c(), compared);
        }

        layer.zeroGrad();
        InputGradients<A> g = layer.backward(out.tape(), load(f, pr, "grad_y"),
                new State<>(load(f, pr, "grad_h_n"), lstm ? load(f, pr, "grad_c_n") : null));
        compare(f, pr, tol, "grad.x", g.dx(), compared);
        compare(f, pr, tol, "grad.h0", g.initialState().h(), compared);
        if (lstm) {
            compare(f, pr, tol, "grad.c0", g.initialState().c(), compared);
        }
        for (Parameter<A> p : params) {
            compare(f, pr, tol, "grad." + p.name(), p.grad(), compared);
        }
        // every expected result in the file was compared: nothing is silently left out
        Set<String> expected = f.names().stream()
                .filter(n -> n.startsWith("grad.") || n.equals("y") || n.equals("h_n") || n.equals("c_n"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, compared, "expected tensors compared");
        assertTrue(compared.size() >= 4);
    }

    private static <A> A load(SafetensorsFile f, Precision<A> pr, String name) {
        return pr.fromDoubles(f.doubles(name));
    }

    private static <A> void compare(SafetensorsFile f, Precision<A> pr, Tolerance tol, String name, A actual,
                                    Set<String> compared) {
        tol.check(f.path().getFileName() + " " + pr + " " + name, f.doubles(name), pr.toDoubles(actual));
        compared.add(name);
    }

    private static int intMeta(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) {
            throw new AssertionError("metadata key '" + key + "' missing");
        }
        return Integer.parseInt(v);
    }
}
