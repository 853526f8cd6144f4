package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the golden reference files. */
class SafetensorsFileTest {

    @Test
    void readsLstmLayerCaseWithTheShapesOfTheReadme() throws IOException {
        SafetensorsFile f = SafetensorsFile.read(GoldenFiles.file("lstm_1l_uni_t1_b1"));

        assertEquals("layer", f.metadata().get("kind"));
        assertEquals("lstm", f.metadata("cell"));
        assertEquals("lstm_1l_uni_t1_b1", f.metadata("case"));
        assertEquals("weight_ih_l0,weight_hh_l0,bias_ih_l0,bias_hh_l0", f.metadata("param_names"));

        // T=1, B=1, I=3, H=5, L=D=1, G=4, no projection (README §2, §4, §9).
        Map<String, int[]> expected = Map.ofEntries(
                Map.entry("x", new int[] {1, 1, 3}),
                Map.entry("h0", new int[] {1, 1, 5}),
                Map.entry("c0", new int[] {1, 1, 5}),
                Map.entry("y", new int[] {1, 1, 5}),
                Map.entry("h_n", new int[] {1, 1, 5}),
                Map.entry("c_n", new int[] {1, 1, 5}),
                Map.entry("grad_y", new int[] {1, 1, 5}),
                Map.entry("grad_h_n", new int[] {1, 1, 5}),
                Map.entry("grad_c_n", new int[] {1, 1, 5}),
                Map.entry("grad.x", new int[] {1, 1, 3}),
                Map.entry("grad.h0", new int[] {1, 1, 5}),
                Map.entry("grad.c0", new int[] {1, 1, 5}),
                Map.entry("weight_ih_l0", new int[] {20, 3}),
                Map.entry("weight_hh_l0", new int[] {20, 5}),
                Map.entry("bias_ih_l0", new int[] {20}),
                Map.entry("bias_hh_l0", new int[] {20}),
                Map.entry("grad.weight_ih_l0", new int[] {20, 3}),
                Map.entry("grad.weight_hh_l0", new int[] {20, 5}),
                Map.entry("grad.bias_ih_l0", new int[] {20}),
                Map.entry("grad.bias_hh_l0", new int[] {20}));
        assertEquals(expected.keySet(), f.names());
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), f.shape(e.getKey()), e.getKey());
            assertEquals(DType.F64, f.dtype(e.getKey()), e.getKey());
            assertTrue(f.contains(e.getKey()));
        }
        assertFalse(f.contains("weight_hr_l0"));

        // Values checked against an independent reader.
        assertArrayEquals(new double[] {-0.4257991444586764, -0.4635204220197738, -2.258296404954867},
                f.doubles("x"));
        assertArrayEquals(new double[] {0.1476050768193338, -0.009929087185220231,
                -0.007482834255760962, 0.05642767784870218, -0.16406412951227006}, f.doubles("y"));
        assertArrayEquals(new float[] {(float) -0.4257991444586764, (float) -0.4635204220197738,
                (float) -2.258296404954867}, f.floats("x"));
    }

    @Test
    void namesAreSortedAndLaidOutInThatOrder() throws IOException {
        SafetensorsFile f = SafetensorsFile.read(GoldenFiles.file("lstm_1l_uni_t1_b1"));
        List<String> names = new ArrayList<>(f.names());
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        assertEquals(sorted, names);
        long pos = 0;
        for (TensorEntry e : f.entries()) {
            assertEquals(pos, e.begin(), e.name());
            pos = e.end();
        }
    }

    @Test
    void readsIntegerTensorsAndScalars() throws IOException {
        SafetensorsFile packed = SafetensorsFile.read(GoldenFiles.file("packed_lstm_1l_uni_b4"));
        assertEquals(DType.I64, packed.dtype("lengths"));
        assertArrayEquals(new int[] {4}, packed.shape("lengths"));
        assertArrayEquals(new long[] {3, 7, 1, 5}, packed.longs("lengths"));

        SafetensorsFile model = SafetensorsFile.read(GoldenFiles.file("model_lstm_1l_v20"));
        assertArrayEquals(new int[] {}, model.shape("loss"));
        assertArrayEquals(new double[] {2.978081202631605}, model.doubles("loss"));
        long[] tokens = model.longs("tokens");
        assertArrayEquals(new int[] {10, 3}, model.shape("tokens"));
        assertEquals(30, tokens.length);
        assertArrayEquals(new long[] {3, 3, 19, 8, 4, 1}, java.util.Arrays.copyOf(tokens, 6));
    }

    @Test
    void readsEveryGoldenFile() throws IOException {
        List<Path> files = GoldenFiles.all();
        assertEquals(29, files.size());
        for (Path p : files) {
            SafetensorsFile f = SafetensorsFile.read(p);
            String caseName = p.getFileName().toString().replace(".safetensors", "");
            assertEquals(caseName, f.metadata("case"), p.toString());
            assertEquals("1", f.metadata("format_version"), p.toString());
            assertFalse(f.names().isEmpty(), p.toString());
            for (TensorEntry e : f.entries()) {
                assertTrue(e.dtype() == DType.F64 || e.dtype() == DType.I64, e.toString());
                int n = e.dtype() == DType.F64 ? f.doubles(e.name()).length : f.longs(e.name()).length;
                assertEquals(e.elementCount(), n, e.toString());
            }
        }
    }

    @Test
    void missingTensorNamesFileAndListsTheNames() throws IOException {
        Path p = GoldenFiles.file("rnn_tanh_1l_uni_t1_b1");
        SafetensorsFile f = SafetensorsFile.read(p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.doubles("nope"));
        assertEquals("tensor 'nope' not found in " + p + "; it has: " + String.join(", ", f.names()),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.shape("nope"));
        assertThrows(IllegalArgumentException.class, () -> f.dtype("nope"));
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> f.metadata("nope"));
        assertTrue(m.getMessage().startsWith("metadata key 'nope' not found in " + p + "; it has: "),
                m.getMessage());
    }

    @Test
    void accessorsRejectTheWrongKindOfDtype() throws IOException {
        Path p = GoldenFiles.file("packed_gru_1l_uni_b5");
        SafetensorsFile f = SafetensorsFile.read(p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.doubles("lengths"));
        assertEquals("tensor 'lengths' in " + p + " has dtype I64; doubles() reads F64, F32 or BF16 tensors"
                + " (use longs())", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> f.floats("lengths"));
        assertThrows(IllegalArgumentException.class, () -> f.longs("x"));
    }

    @Test
    void returnedArraysAreCopies() throws IOException {
        SafetensorsFile f = SafetensorsFile.read(GoldenFiles.file("lstm_1l_uni_t1_b1"));
        f.doubles("x")[0] = 42;
        f.shape("x")[0] = 42;
        assertEquals(-0.4257991444586764, f.doubles("x")[0]);
        assertEquals(1, f.shape("x")[0]);
        assertThrows(UnsupportedOperationException.class, () -> f.metadata().put("a", "b"));
        assertThrows(UnsupportedOperationException.class, () -> f.names().remove("x"));
        assertTrue(f.bytes("x").isReadOnly());
    }
}
