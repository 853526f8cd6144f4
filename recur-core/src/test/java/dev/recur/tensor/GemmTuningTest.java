package dev.recur.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No {@link GemmTuning} changes a product: under deliberately poor settings (the smallest blocks,
 * 4-row tiles, every product split; blocks larger than any product, nothing split) and odd ones,
 * every form of the product (packed, unpacked, transposed, accumulating, with a bias) on shapes
 * that cross their blocks (odd rows, a lone last row, inner dimensions over several blocks, a
 * ragged right edge) is bit-identical to the default's, in both precisions, on one and two threads.
 * Then the settings' ranges, their text form and the cache file: round trip, and every file that
 * must be passed over.
 */
class GemmTuningTest {

    static final List<GemmTuning> SETTINGS = List.of(
            new GemmTuning(16, 4, 4, 0, 0),
            new GemmTuning(8192, 8192, 6, Long.MAX_VALUE, 0),
            new GemmTuning(136, 12, 6, 0, 0),
            new GemmTuning(1024, 48, 4, 1L << 22, 0),
            // A's rows copied into strips (ranges of at least 1 or 8 panels of 64 float32 or 32 float64 columns)
            new GemmTuning(16, 4, 4, 0, 1),
            new GemmTuning(8192, 8192, 6, Long.MAX_VALUE, 1),
            new GemmTuning(136, 12, 6, 0, 8),
            new GemmTuning(512, 192, 6, 0, 8));

    private static final int[][] SHAPES = {
            // m, n, k
            {1, 2048, 512}, {1, 70, 1100}, {3, 70, 33}, {7, 129, 513}, {13, 64, 1024}, {33, 200, 300},
            {64, 1024, 256}, {197, 70, 2049}, {400, 96, 40}, {9, 33, 0},
            // wide enough for strips: 6-, 4- and 2-row strips, a partial last panel, k over a block
            {7, 520, 33}, {14, 1100, 70}, {31, 700, 1100}};

    @Test
    void noSettingChangesAProduct() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int[] shape : SHAPES) {
            for (Precision<?> base : new Precision<?>[] {Precision.F32, Precision.F64,
                    Precision.F32.withThreads(2), Precision.F64.withThreads(2)}) {
                sameUnderEverySetting(base.withTuning(GemmTuning.DEFAULT), shape[0], shape[1], shape[2], rng);
            }
        }
    }

    private static <A> void sameUnderEverySetting(Precision<A> precision, int m, int n, int k, SplittableRandom rng) {
        A a = precision.fromDoubles(random(rng, m * k));
        A b = precision.fromDoubles(random(rng, k * n));
        A bias = precision.fromDoubles(random(rng, n));
        A start = precision.fromDoubles(random(rng, m * n));
        List<double[]> expected = products(precision, a, b, bias, start, m, n, k);
        for (GemmTuning t : SETTINGS) {
            List<double[]> found = products(precision.withTuning(t), a, b, bias, start, m, n, k);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), found.get(i), precision + ", " + t + ", m=" + m + " n=" + n
                        + " k=" + k + ", form " + i);
            }
        }
    }

    /** Every form of the product a layer calls, each result as doubles. */
    private static <A> List<double[]> products(Precision<A> p, A a, A b, A bias, A start, int m, int n, int k) {
        Kernels<A> kern = p.kernels();
        List<double[]> out = new java.util.ArrayList<>();
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                int lda = transA ? m : k;
                int ldb = transB ? k : n;
                A c = p.fromDoubles(p.toDoubles(start));
                kern.gemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, true, c, 0, n);
                out.add(p.toDoubles(c));
                PackedMatrix<A> packed = kern.pack(transB, k, n, b, 0, ldb, null);
                A d = p.fromDoubles(new double[m * n]);
                kern.gemm(transA, m, n, k, a, 0, lda, packed, false, d, 0, n);
                out.add(p.toDoubles(d));
                kern.gemmBias(transA, m, n, k, a, 0, lda, packed, bias, d, 0, n);
                out.add(p.toDoubles(d));
            }
        }
        return out;
    }

    private static double[] random(SplittableRandom rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextDouble(-1, 1);
        }
        return x;
    }

    @Test
    void settingsOutOfRangeAreRefusedNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GemmTuning(100, 192, 6, 0, 0)).getMessage()
                .contains("inner block (KC)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GemmTuning(512, 6, 6, 0, 0)).getMessage()
                .contains("row block (MC)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GemmTuning(512, 192, 5, 0, 0)).getMessage()
                .contains("tile rows"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GemmTuning(512, 192, 6, -1, 0)).getMessage()
                .contains("parallel threshold"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GemmTuning(512, 192, 6, 0, 65537))
                .getMessage().contains("strip threshold"));
    }

    @Test
    void theTextFormRoundTripsAndKeysLeftOutKeepTheDefault() {
        for (GemmTuning t : SETTINGS) {
            assertEquals(t, GemmTuning.parse(t.toString()));
        }
        assertEquals(new GemmTuning(256, 192, 6, 1L << 20, 16), GemmTuning.parse("kc=256"));
        assertEquals(new GemmTuning(512, 96, 4, 1L << 20, 16), GemmTuning.parse(" MC = 96 , tile=4 "));
        assertEquals(GemmTuning.DEFAULT.withStripPanels(8), GemmTuning.parse("strips=8"));
        assertEquals(GemmTuning.DEFAULT.withStripPanels(0), GemmTuning.parse("strips=0"));
        assertEquals("kc=512,mc=192,tile=6,parallel=1048576,strips=16", GemmTuning.DEFAULT.toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmTuning.parse("strips=-1")).getMessage()
                .contains("strip threshold"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmTuning.parse("kc=abc")).getMessage()
                .contains("found 'abc'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmTuning.parse("nc=64")).getMessage()
                .contains("found 'nc'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmTuning.parse("kc")).getMessage()
                .contains("key=value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmTuning.parse(",")).getMessage()
                .contains("key=value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GemmTuning.parse("kc=256,KC=512"))
                .getMessage().contains("each key once"));
    }

    @Test
    void xdgCacheHomeCountsOnlyAsAnAbsolutePath() {
        Path absolute = Path.of("/var/cache").toAbsolutePath();
        assertEquals(Optional.of(absolute.resolve("recur")), GemmTuningCache.xdgCacheDir(absolute.toString()));
        assertEquals(Optional.empty(), GemmTuningCache.xdgCacheDir("relative/cache"));
        assertEquals(Optional.empty(), GemmTuningCache.xdgCacheDir(" "));
        assertEquals(Optional.empty(), GemmTuningCache.xdgCacheDir(null));
    }

    @Test
    void aCacheFileRoundTrips(@TempDir Path dir) throws IOException {
        for (GemmTuning t : new GemmTuning[] {new GemmTuning(256, 96, 4, 1L << 21, 0),
                new GemmTuning(256, 96, 4, 0, 16)}) {
            Path file = dir.resolve("t.json");
            Files.write(file, GemmTuningCache.toJson(t, 100, 110, List.of(new GemmTuner.Trial(t, 110))));
            assertEquals(t, GemmTuningCache.read(file));
        }
    }

    /** A file from before strips existed (no such field) takes the default's, as the text form does. */
    @Test
    void aCacheFileFromBeforeStripsTakesTheDefault(@TempDir Path dir) throws IOException {
        GemmTuning t = new GemmTuning(256, 96, 4, 1L << 21, GemmTuning.DEFAULT.stripPanels());
        String current = new String(GemmTuningCache.toJson(t, 100, 110, List.of()), StandardCharsets.UTF_8);
        String older = current.replaceAll("\\s*\"strips\" : 16,", "");
        assertFalse(older.contains("strips"), older);
        Path file = dir.resolve("t.json");
        Files.writeString(file, older);
        assertEquals(t, GemmTuningCache.read(file));
    }

    @Test
    void filesThatMustBePassedOverSayWhy(@TempDir Path dir) throws IOException {
        String good = new String(GemmTuningCache.toJson(GemmTuning.DEFAULT, 1, 1, List.of()), StandardCharsets.UTF_8);
        assertRefused(dir, "not json", "expected JSON");
        assertRefused(dir, "[]", "\"format\"");
        assertRefused(dir, good.replace("\"version\" : 1", "\"version\" : 2"), "expected version 1");
        assertRefused(dir, good.replace(GemmTuningCache.machine(), "another CPU"), "run recur tune again");
        assertRefused(dir, good.replace("\"kc\" : 512", "\"kc\" : 100"), "inner block (KC)");
        assertRefused(dir, good.replace("\"kc\" : 512", "\"kc\" : \"big\""), "whole number for \"kc\"");
        assertRefused(dir, good.replace("\"mc\" : 192", "\"mc\" : 99999999999"), "integer overflow");
        assertRefused(dir, "{" + " ".repeat(1 << 17) + "}", "at most 65536 bytes");
        assertRefused(dir, good.replace("\"kc\" : 512", "\"kc\" : 520.7"), "whole number for \"kc\"");
        assertRefused(dir, good.replace("\"version\" : 1", "\"version\" : \"1\""), "expected version 1");
        assertRefused(dir, good.replace("\"version\" : 1", "\"version\" : 1.9"), "expected version 1");
        assertRefused(dir, good + " {}", "expected JSON");
        assertRefused(dir, good.replace("\"kc\" : 512", "\"kc\" : 512, \"kc\" : 256"), "expected JSON");
        assertRefused(dir, good.replace("\"strips\" : 16", "\"strips\" : true"), "whole number for \"strips\"");
        assertRefused(dir, good.replace("\"strips\" : 16", "\"strips\" : -8"), "strip threshold");
        Path folder = Files.createDirectory(dir.resolve("folder"));
        assertTrue(assertThrows(IOException.class, () -> GemmTuningCache.read(folder)).getMessage().contains("a folder"));
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, folder);
        assertTrue(assertThrows(IOException.class, () -> GemmTuningCache.read(link)).getMessage()
                .contains("a symbolic link"));
    }

    private static void assertRefused(Path dir, String content, String expected) throws IOException {
        Path file = dir.resolve("t.json");
        Files.writeString(file, content);
        String message = assertThrows(IOException.class, () -> GemmTuningCache.read(file)).getMessage();
        assertTrue(message.contains(expected), message);
    }

    /** Under {@code -Ptunings} (a forced setting) the constants use it; else the cache's or the default. */
    @Test
    void theConstantsUseTheTuningInEffect() {
        String forced = System.getProperty(GemmTuningCache.PROPERTY);
        if (forced != null) {
            assertEquals(GemmTuning.parse(forced), Precision.F32.tuning());
            assertEquals(GemmTuningCache.PROPERTY + " property", GemmTuningCache.inEffect().source());
        }
        assertEquals(GemmTuningCache.inEffect().tuning(), Precision.F32.tuning());
        assertEquals(GemmTuningCache.inEffect().tuning(), Precision.F64.withThreads(2).tuning());
        if (Precision.vectorAvailable()) {
            assertEquals(Precision.F32.tuning(), ((FloatVectorKernels) Precision.F32.withThreads(2).kernels()).tuning());
        }
    }

    @Test
    void theCacheFileIsNamedAfterTheMachine() {
        Path file = GemmTuningCache.file();
        assertTrue(file.getFileName().toString().matches("gemm-tuning-[0-9a-f]{16}\\.json"), file.toString());
        assertTrue(GemmTuningCache.machine().contains(System.getProperty("java.vm.version")));
    }
}
