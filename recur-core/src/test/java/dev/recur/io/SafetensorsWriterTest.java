package dev.recur.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing safetensors files: round trips, canonical layout, argument checks. */
class SafetensorsWriterTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripIsExact() throws IOException {
        double[] d = {1.5, -0.0, 0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.MIN_VALUE,
                Double.longBitsToDouble(0x7ff8_0000_dead_beefL), Math.PI};
        float[] f = {1.5f, -0.0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, (float) Math.E};
        long[] l = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 42};
        int[] i = {Integer.MIN_VALUE, -7, Integer.MAX_VALUE};
        Path path = tmp.resolve("rt.safetensors");
        new SafetensorsWriter()
                .metadata("kind", "test")
                .metadata(Map.of("lr", "0.01", "unicode", "naïve ✓"))
                .put("d", d, 2, 4)
                .put("f", f, 3, 1, 2)
                .putLongs("l", l, 6)
                .putInts("i", i, 3)
                .put("scalar", new double[] {2.5})
                .put("empty", new double[0], 2, 0)
                .write(path);

        SafetensorsFile r = SafetensorsFile.read(path);
        assertEquals(Map.of("kind", "test", "lr", "0.01", "unicode", "naïve ✓"), r.metadata());
        assertEquals(List.of("d", "empty", "f", "i", "l", "scalar"), List.copyOf(r.names()));
        assertArrayEquals(d, r.doubles("d"));
        assertArrayEquals(bits(d), bits(r.doubles("d")));
        assertArrayEquals(f, r.floats("f"));
        assertEquals(Float.floatToRawIntBits(f[2]), Float.floatToRawIntBits(r.floats("f")[2]));
        assertArrayEquals(l, r.longs("l"));
        assertArrayEquals(new long[] {Integer.MIN_VALUE, -7, Integer.MAX_VALUE}, r.longs("i"));
        assertArrayEquals(new double[] {2.5}, r.doubles("scalar"));
        assertArrayEquals(new double[0], r.doubles("empty"));

        assertEquals(DType.F64, r.dtype("d"));
        assertEquals(DType.F32, r.dtype("f"));
        assertEquals(DType.I64, r.dtype("l"));
        assertEquals(DType.I32, r.dtype("i"));
        assertArrayEquals(new int[] {2, 4}, r.shape("d"));
        assertArrayEquals(new int[] {3, 1, 2}, r.shape("f"));
        assertArrayEquals(new int[] {}, r.shape("scalar"));
        assertArrayEquals(new int[] {2, 0}, r.shape("empty"));

        // Conversions between float widths.
        double[] widened = r.doubles("f");
        for (int k = 0; k < f.length; k++) {
            assertEquals((double) f[k], widened[k]);
        }
        assertEquals((float) Math.PI, r.floats("d")[7]);
    }

    @Test
    void layoutIsCanonical() throws IOException {
        byte[] bytes = new SafetensorsWriter()
                .putLongs("b", new long[] {7})
                .put("a", new double[] {1, 2}, 2)
                .metadata("z", "1")
                .metadata("m", "2")
                .toBytes();
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"m\":\"2\",\"z\":\"1\"},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[16,24]}}", header.stripTrailing());
        assertTrue(header.substring(header.stripTrailing().length()).chars().allMatch(c -> c == ' '));
        assertEquals(8 + n + 24, bytes.length);

        // No metadata: no "__metadata__" key at all.
        byte[] plain = new SafetensorsWriter().put("a", new float[] {1}, 1).toBytes();
        long m = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                new String(plain, 8, (int) m, StandardCharsets.UTF_8).stripTrailing());
    }

    @Test
    void rewritingEveryGoldenFileIsByteIdentical() throws IOException {
        for (Path p : GoldenFiles.all()) {
            SafetensorsFile f = SafetensorsFile.read(p);
            SafetensorsWriter w = new SafetensorsWriter().metadata(f.metadata());
            for (TensorEntry e : f.entries()) {
                switch (e.dtype()) {
                    case F64 -> w.put(e.name(), f.doubles(e.name()), e.shape());
                    case I64 -> w.putLongs(e.name(), f.longs(e.name()), e.shape());
                    default -> throw new AssertionError("unexpected dtype in " + e);
                }
            }
            byte[] expected = Files.readAllBytes(p);
            assertArrayEquals(expected, w.toBytes(), p.toString());

            Path copy = tmp.resolve(p.getFileName());
            w.write(copy);
            assertArrayEquals(expected, Files.readAllBytes(copy), copy.toString());
        }
    }

    @Test
    void writeLeavesNoTemporaryFiles() throws IOException {
        Path path = tmp.resolve("a.safetensors");
        new SafetensorsWriter().put("x", new double[] {1}, 1).write(path);
        new SafetensorsWriter().put("x", new double[] {2}, 1).write(path);
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(path), s.toList());
        }
        assertArrayEquals(new double[] {2}, SafetensorsFile.read(path).doubles("x"));
    }

    @Test
    void rejectsBadArguments() {
        SafetensorsWriter w = new SafetensorsWriter().put("x", new double[] {1, 2}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.put("y", new double[] {1, 2, 3}, 2, 2));
        assertEquals("tensor 'y': shape [2, 2] has 4 elements, but the data has 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.put("s", new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> w.put("n", new double[] {}, -1));
        e = assertThrows(IllegalArgumentException.class, () -> w.put("x", new float[] {1, 2}, 2));
        assertEquals("tensor 'x' was already added", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> w.putLongs(SafetensorsFile.METADATA_KEY, new long[] {1}, 1));
        assertThrows(NullPointerException.class, () -> w.metadata("k", null));
    }

    private static long[] bits(double[] a) {
        long[] out = new long[a.length];
        for (int k = 0; k < a.length; k++) {
            out[k] = Double.doubleToRawLongBits(a[k]);
        }
        return out;
    }
}
