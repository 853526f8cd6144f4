package dev.recur.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.recur.data.Batch;
import dev.recur.io.SafetensorsFile;
import dev.recur.nn.Activations;
import dev.recur.nn.sequence.State;
import dev.recur.tensor.Precision;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The models PyTorch exported to ONNX (test resources {@code onnx/}, or the folder of the system
 * property {@value #PROPERTY}; a relative path resolves against the folder Maven was started in)
 * imported and run in float32: their outputs, final h and c match PyTorch's within {@value #TOLERANCE}.
 * ONNX Runtime on the same files and inputs gives the reference too.
 */
class OnnxGoldenTest {

    static final String PROPERTY = "recur.onnx.dir";
    static final double TOLERANCE = 1e-5;

    /** The cases' folder: the property's, or the bundled one. */
    static Path dir() throws URISyntaxException {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given);
            if (!p.isAbsolute()) {
                // Surefire runs in the module folder; the build passes the folder Maven started in.
                p = Path.of(System.getProperty("recur.invocation.dir", System.getProperty("user.dir"))).resolve(p);
            }
            return p.normalize();
        }
        URL url = OnnxGoldenTest.class.getResource("/onnx/README.md");
        assertNotNull(url, "bundled ONNX cases: expected the test resource /onnx/README.md, found none");
        return Path.of(url.toURI()).getParent();
    }

    static List<Path> cases() throws IOException, URISyntaxException {
        Path dir = dir();
        assertTrue(Files.isDirectory(dir), "ONNX cases: expected a folder, found none at " + dir);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "ONNX cases: expected *.onnx files in " + dir + ", found none");
        return files;
    }

    static Path reference(Path onnx) {
        String name = onnx.getFileName().toString();
        return onnx.resolveSibling(name.substring(0, name.length() - ".onnx".length()) + ".ref.safetensors");
    }

    @TestFactory
    Stream<DynamicTest> recurMatchesPyTorch() throws Exception {
        return cases().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }

    private static void check(Path onnx) throws IOException {
        ImportedModel m = OnnxImporter.read(onnx);
        SafetensorsFile ref = SafetensorsFile.read(reference(onnx));
        Map<String, String> meta = ref.metadata();
        assertEquals(meta.get("inputs"), m.inputName());
        assertEquals("stack".equals(meta.get("kind")), m.headAdded(), "identity head added for a bare stack");
        int[] shape = ref.shape(m.inputName());
        int steps = shape[0];
        int batch = shape[1];
        Batch b;
        if (m.tokens()) {
            b = Batch.ofTokens(Arrays.stream(ref.longs(m.inputName())).mapToInt(Math::toIntExact).toArray(), steps,
                    batch, null, null);
        } else {
            b = Batch.ofFeatures(ref.doubles(m.inputName()), steps, batch, shape[2], null, null);
        }
        Activations<float[]> out = m.model().forward(b, null);
        State<float[]> state = m.model().finalState();
        List<String> outputs = List.of(meta.get("outputs").split(","));
        assertEquals(outputs.get(0), m.outputName());
        close(onnx, m.outputName(), ref, out.values());
        if (outputs.contains("h_n")) {
            assertEquals("h_n", m.hnName());
            close(onnx, "h_n", ref, state.h());
        }
        if (outputs.contains("c_n")) {
            assertEquals("c_n", m.cnName());
            close(onnx, "c_n", ref, state.c());
        }
    }

    private static void close(Path onnx, String name, SafetensorsFile ref, float[] actual) {
        double[] expected = ref.doubles(name);
        assertEquals(expected.length, actual.length, onnx.getFileName() + " " + name + ": length");
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(max <= TOLERANCE, onnx.getFileName() + " " + name + ": max |recur − PyTorch| = " + max);
    }

    @TestFactory
    Stream<DynamicTest> onnxRuntimeMatchesPyTorch() throws Exception {
        return cases().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> runtime(p)));
    }

    private static void runtime(Path onnx) throws Exception {
        SafetensorsFile ref = SafetensorsFile.read(reference(onnx));
        String input = ref.metadata("inputs");
        long[] shape = Arrays.stream(ref.shape(input)).asLongStream().toArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
             OnnxTensor x = ref.dtype(input).name().startsWith("I")
                     ? OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ref.longs(input)), shape)
                     : OnnxTensor.createTensor(env, java.nio.FloatBuffer.wrap(Precision.F32.fromDoubles(ref.doubles(input))), shape);
             OrtSession.Result result = session.run(Map.of(input, x))) {
            for (String name : ref.metadata("outputs").split(",")) {
                OnnxTensor t = (OnnxTensor) result.get(name).orElseThrow();
                float[] got = new float[(int) t.getInfo().getNumElements()];
                t.getFloatBuffer().get(got);
                close(onnx, name, ref, got);
            }
        }
    }

    @Test
    void bundledCasesAreAllThere() throws Exception {
        if (System.getProperty(PROPERTY) == null) {
            assertEquals(7, cases().size());
            for (Path p : cases()) {
                assertTrue(Files.isRegularFile(reference(p)), "reference of " + p.getFileName());
            }
        }
    }

    /**
     * Exports with fixed shapes (no dynamic axes; {@code tools/gen_onnx_fixed_shape.py}), where PyTorch
     * builds the zero initial states with {@code Expand}: imported, they match PyTorch too.
     */
    @TestFactory
    Stream<DynamicTest> fixedShapeExportsImport() throws Exception {
        URL url = OnnxGoldenTest.class.getResource("/onnx-fixed/fixed_charlm_gru_1l.onnx");
        assertNotNull(url, "the fixed-shape cases: expected the test resources /onnx-fixed, found none");
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(url.toURI()).getParent())) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().toList();
        }
        assertEquals(2, files.size());
        return files.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
    }
}
