package dev.recur.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recur.io.SafetensorsFile;
import dev.recur.nn.Parameter;
import dev.recur.nn.recurrent.CellKind;
import dev.recur.nn.sequence.InputGradients;
import dev.recur.nn.sequence.RecurrentConfig;
import dev.recur.nn.Activations;
import dev.recur.nn.sequence.SequenceLayer;
import dev.recur.nn.sequence.SequenceOutput;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fast path (vectorised kernels and cells, one and two threads) against the plain reference
 * path on every golden {@code layer} and {@code packed} case: in float64 every output and gradient
 * agrees within 1e-12 × the tensor's largest magnitude; the reference path itself passes the
 * golden tolerances in both precisions (the fast path's golden check is {@link GoldenCaseTest}).
 */
class FastPathTest {

    @TestFactory
    List<DynamicTest> fastEqualsReference() throws IOException {
        assertTrue(Precision.vectorAvailable(), "the tests run with --add-modules jdk.incubator.vector");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path path : GoldenDir.cases()) {
            SafetensorsFile f = SafetensorsFile.read(path);
            String kind = f.metadata().get("kind");
            if (!"layer".equals(kind) && !"packed".equals(kind)) {
                continue;
            }
            String name = path.getFileName().toString().replace(".safetensors", "");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Map<String, double[]> reference = run(f, Precision.F64.reference());
                for (Precision<double[]> fast : List.of(Precision.F64, Precision.F64.withThreads(2))) {
                    Map<String, double[]> got = run(f, fast);
                    assertEquals(reference.keySet(), got.keySet());
                    for (String t : reference.keySet()) {
                        double[] r = reference.get(t);
                        double[] g = got.get(t);
                        double scale = Arrays.stream(r).map(Math::abs).max().orElse(0);
                        for (int i = 0; i < r.length; i++) {
                            double diff = Math.abs(r[i] - g[i]);
                            if (!(diff <= 1e-12 * scale)) {
                                throw new AssertionError(name + " " + fast + " " + t + "[" + i + "]: fast " + g[i]
                                        + ", reference " + r[i] + ", |diff| " + diff + " > 1e-12 × " + scale);
                            }
                        }
                    }
                }
                // the reference path against PyTorch, in both precisions
                int nt = Integer.parseInt(f.metadata().get("seq_len"));
                checkGolden(f, reference, Tolerance.of(true, nt));
                checkGolden(f, run(f, Precision.F32.reference()), Tolerance.of(false, nt));
            }));
        }
        return tests;
    }

    private static void checkGolden(SafetensorsFile f, Map<String, double[]> results, Tolerance tol) {
        for (Map.Entry<String, double[]> e : results.entrySet()) {
            tol.check(f.path().getFileName() + " reference " + e.getKey(), f.doubles(e.getKey()), e.getValue());
        }
    }

    /** Forward and backward of one case; every result by its golden tensor name. */
    static <A> Map<String, double[]> run(SafetensorsFile f, Precision<A> pr) {
        Map<String, String> m = f.metadata();
        CellKind kind = CellKind.fromId(m.get("cell"));
        int nt = Integer.parseInt(m.get("seq_len"));
        int nb = Integer.parseInt(m.get("batch"));
        RecurrentConfig config = RecurrentConfig.builder(kind, Integer.parseInt(m.get("input_size")),
                        Integer.parseInt(m.get("hidden_size")))
                .layers(Integer.parseInt(m.get("num_layers")))
                .bidirectional(Boolean.parseBoolean(m.get("bidirectional")))
                .projSize(Integer.parseInt(m.get("proj_size")))
                .bias(Boolean.parseBoolean(m.get("bias")))
                .build();
        SequenceLayer<A> layer = SequenceLayer.create(config, pr, 0);
        for (Parameter<A> p : layer.parameters()) {
            pr.kernels().copy(pr.fromDoubles(f.doubles(p.name())), 0, p.value(), 0, p.size());
        }
        boolean lstm = kind.hasCellState();
        int[] lengths = f.contains("lengths")
                ? Arrays.stream(f.longs("lengths")).mapToInt(Math::toIntExact).toArray() : null;
        SequenceOutput<A> out = layer.forward(Activations.sequence(pr.fromDoubles(f.doubles("x")), nt, nb, layer.config().inputSize(), lengths),
                new State<>(pr.fromDoubles(f.doubles("h0")), lstm ? pr.fromDoubles(f.doubles("c0")) : null), false);
        layer.zeroGrad();
        InputGradients<A> g = layer.backward(out.tape(), pr.fromDoubles(f.doubles("grad_y")),
                new State<>(pr.fromDoubles(f.doubles("grad_h_n")), lstm ? pr.fromDoubles(f.doubles("grad_c_n")) : null));
        Map<String, double[]> r = new LinkedHashMap<>();
        r.put("y", pr.toDoubles(out.output()));
        r.put("h_n", pr.toDoubles(out.finalState().h()));
        r.put("grad.x", pr.toDoubles(g.dx()));
        r.put("grad.h0", pr.toDoubles(g.initialState().h()));
        if (lstm) {
            r.put("c_n", pr.toDoubles(out.finalState().c()));
            r.put("grad.c0", pr.toDoubles(g.initialState().c()));
        }
        for (Parameter<A> p : layer.parameters()) {
            r.put("grad." + p.name(), pr.toDoubles(p.grad()));
        }
        return r;
    }
}
