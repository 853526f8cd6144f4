package dev.recur.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bf16 and int8 storage by hand-derived cases, and the fast product against the plain reference:
 * the same bits (both sum each row by fused multiply-adds in column order), and on small integers
 * the exact product of the dequantized matrix.
 */
class QuantizedMatrixTest {

    private static short bf(int floatBits) {
        return QuantizedMatrix.toBf16(Float.intBitsToFloat(floatBits));
    }

    @Test
    void bf16RoundsToNearestWithTiesToEven() {
        // 1.0 = 0x3F800000 keeps its upper half; the kept bit 16 is worth 2^-7 there
        assertEquals((short) 0x3F80, bf(0x3F800000));
        assertEquals((short) 0x3F80, bf(0x3F807FFF));   // below half way: down
        assertEquals((short) 0x3F81, bf(0x3F808001));   // above half way: up
        assertEquals((short) 0x3F80, bf(0x3F808000));   // a tie, 1 + 2^-8: to the even 0x3F80
        assertEquals((short) 0x3F82, bf(0x3F818000));   // a tie, 1 + 3·2^-8: to the even 0x3F82
        assertEquals((short) 0xBF82, bf(0xBF818000));   // the same below zero
        assertEquals((short) 0x4000, bf(0x3FFFFFFF));   // carries into the exponent: 2.0
        assertEquals(1.0f, QuantizedMatrix.fromBf16((short) 0x3F80));
        assertEquals(-2.0f, QuantizedMatrix.fromBf16((short) 0xC000));
    }

    @Test
    void bf16KeepsInfinitiesAndNaNAndOverflowsToInfinity() {
        assertEquals((short) 0x7F80, QuantizedMatrix.toBf16(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFF80, QuantizedMatrix.toBf16(Float.NEGATIVE_INFINITY));
        // a NaN whose payload sits in the lower half only would truncate to infinity: it stays a NaN
        assertTrue(Float.isNaN(QuantizedMatrix.fromBf16(bf(0x7F800001))));
        assertTrue(Float.isNaN(QuantizedMatrix.fromBf16(QuantizedMatrix.toBf16(Float.NaN))));
        // the largest float is beyond the largest bf16 (0x7F7F = 3.3895e38): it rounds to infinity
        assertEquals((short) 0x7F80, QuantizedMatrix.toBf16(Float.MAX_VALUE));
        assertEquals((short) 0x7F7F, bf(0x7F7F7FFF));
        // quantize refuses what would not be a finite weight
        assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.quantize(QuantizedMatrix.Format.BF16,
                new float[]{Float.MAX_VALUE}, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.quantize(QuantizedMatrix.Format.INT8,
                new float[]{1, Float.NaN}, 0, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.ofBf16(1, 1,
                new short[]{(short) 0x7F80}));
    }

    @Test
    void int8ScaleIsTheRowMaximumOver127AndRoundsTiesToEven() {
        // row 0: max 127 -> s = 1; -3.5 and 2.5 are ties (to -4 and 2), 0.49 rounds to 0
        // row 1: all zero -> s = 0, q = 0
        // row 2: max |-2.54| -> s = 2.54/127 = 0.02
        float[] w = {127, -3.5f, 2.5f, 0.49f, 0, 0, 0, 0, 1.27f, -2.54f, 0, 0.02f};
        QuantizedMatrix q = QuantizedMatrix.quantize(QuantizedMatrix.Format.INT8, w, 0, 3, 4);
        assertArrayEquals(new float[]{1f, 0f, 2.54f / 127f}, q.scales());
        byte[] b = q.int8Weights();
        assertArrayEquals(new byte[]{127, -4, 2, 0}, java.util.Arrays.copyOfRange(b, 0, 4));
        assertArrayEquals(new byte[]{0, 0, 0, 0}, java.util.Arrays.copyOfRange(b, 4, 8));
        assertEquals(-127, b[9]);
        assertEquals(63, b[8], 1);   // 1.27/0.02 = 63.5 up to float rounding: 63 or 64
        assertEquals(1, b[11]);
        assertEquals(0f, q.get(1, 2));
        // the zero row's product is its bias alone
        float[] out = new float[3];
        q.product(0, 3, new float[]{1, 1, 1, 1}, 0, null, 0, new float[]{0, 5, 0}, null, out, null, 0);
        assertEquals(5f, out[1]);
        assertEquals(127 - 4 + 2, out[0]);
        assertThrows(IllegalArgumentException.class, () -> QuantizedMatrix.ofInt8(1, 1, new byte[1],
                new float[]{-1}));
        // -128 is outside the symmetric range recur writes: a file holding it was not written by recur
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuantizedMatrix.ofInt8(2, 2, new byte[]{1, 2, 3, -128}, new float[]{1, 1}));
        assertEquals("int8 matrix: weight 3 (row 1) is -128; expected -127..127, as recur quantize writes "
                + "(symmetric around 0)", e.getMessage());
    }

    @Test
    void quantizedWeightsStayWithinHalfAStepOfTheFloatOnes() {
        SplittableRandom rng = new SplittableRandom(3);
        int rows = 37;
        int cols = 53;
        float[] w = random(rng, rows * cols, 0.3);
        QuantizedMatrix q8 = QuantizedMatrix.quantize(QuantizedMatrix.Format.INT8, w, 0, rows, cols);
        QuantizedMatrix qb = QuantizedMatrix.quantize(QuantizedMatrix.Format.BF16, w, 0, rows, cols);
        float[] s = q8.scales();
        float[] d8 = q8.dequantize();
        float[] db = qb.dequantize();
        for (int r = 0; r < rows; r++) {
            float max = 0;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, Math.abs(w[r * cols + c]));
            }
            assertEquals(max / 127f, s[r]);
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                // |w - s q| <= s/2 (plus the rounding of w/s and of s q: a few ulps of s)
                assertTrue(Math.abs(w[i] - d8[i]) <= s[r] * (0.5f + 1e-5f), "int8 " + r + "," + c);
                // bf16 keeps 8 significant bits: relative error <= u = 2^-8
                assertTrue(Math.abs(w[i] - db[i]) <= Math.abs(w[i]) * 0x1p-8f, "bf16 " + r + "," + c);
            }
        }
    }

    @Test
    void theFastProductEqualsTheReferenceExactlyOnSmallIntegers() {
        // integers: every product and partial sum is an exact float below 2^24, so the reference
        // is the exact product of the dequantized matrix. Sizes: rows of part of a panel, columns
        // more than a chunk (64) and fewer.
        SplittableRandom rng = new SplittableRandom(5);
        for (int[] size : new int[][]{{7, 85, 64}, {6, 133, 21}, {5, 3, 16}, {8, 64, 64}}) {
            int rows = size[0];
            int ni = size[1];
            int nh = size[2];
            float[] wi = integers(rng, rows * ni, 127);
            float[] wh = integers(rng, rows * nh, 127);
            for (int r = 0; r < rows; r++) {
                wi[r * ni] = 127;   // s = 1: q = w
                wh[r * nh] = -127;
            }
            float[] x = integers(rng, ni, 8);
            float[] h = integers(rng, nh, 8);
            float[] b1 = integers(rng, rows, 100);
            float[] b2 = integers(rng, rows, 100);
            for (QuantizedMatrix.Format f : QuantizedMatrix.Format.values()) {
                QuantizedMatrix m = QuantizedMatrix.concat(QuantizedMatrix.quantize(f, wi, 0, rows, ni),
                        QuantizedMatrix.quantize(f, wh, 0, rows, nh));
                float[][] fast = {new float[rows + 2], new float[rows + 2]};
                float[][] ref = {new float[rows + 2], new float[rows + 2]};
                m.product(0, rows, x, 0, h, 0, b1, b2, fast[0], fast[1], 2);
                m.productReference(0, rows, x, 0, h, 0, b1, b2, ref[0], ref[1], 2);
                assertArrayEquals(ref[0], fast[0], f + " " + java.util.Arrays.toString(size));
                assertArrayEquals(ref[1], fast[1], f + " " + java.util.Arrays.toString(size));
                // and the reference is the float product of the dequantized matrix
                float[] dq = m.dequantize();
                for (int r = 0; r < rows; r++) {
                    float e = b1[r];
                    float g = 0;
                    for (int c = 0; c < ni; c++) {
                        g += dq[r * (ni + nh) + c] * x[c];
                    }
                    assertEquals(e + g, ref[0][2 + r]);
                }
            }
        }
    }

    @Test
    void theFastProductIsTheReferenceToTheBit() {
        assertEquals(List.of(), mismatches());
    }

    /**
     * With 8-lane vectors (256 bits, as on AVX2; {@code -XX:MaxVectorSize=32} here) a vector of rows
     * is half a panel: the same bits there, in a fresh JVM running {@link #main}.
     */
    @Test
    void eightLaneVectorsGiveTheReferenceBitsToo() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-XX:MaxVectorSize=32", "-cp",
                System.getProperty("java.class.path"), QuantizedMatrixTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the probe did not finish");
        assertEquals(0, p.exitValue(), out);
        // the vector kernels run there, on 8 lanes, wherever they run here (8 lanes or more)
        assertTrue(out.endsWith(QuantizedMatrix.vectorKernelsAvailable() ? "lanes 8, kernels true, mismatches []\n"
                : "kernels false, mismatches []\n"), out);
    }

    /** Prints the float lanes of a vector, whether the vector kernels run, and where they and the reference differ. */
    public static void main(String[] args) {
        System.out.println("lanes " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() + ", kernels "
                + QuantizedMatrix.vectorKernelsAvailable() + ", mismatches " + mismatches());
    }

    /**
     * Where the fast product and the reference differ, as "format size rows r0..r1 (block b)". Shapes
     * of whole panels (16 rows) and not, one block and two, more columns than a chunk (64) and
     * fewer, no rows, no columns; ranges of rows that start and end inside panels, and empty ones.
     */
    private static List<String> mismatches() {
        List<String> out = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(7);
        for (int[] size : new int[][]{{50, 300, 77}, {16, 64, 64}, {5, 3, 130}, {129, 200, 0}, {0, 7, 3}, {9, 0, 0}}) {
            int rows = size[0];
            int ni = size[1];
            int nh = size[2];
            float[] wi = random(rng, rows * ni, 0.2);
            float[] wh = random(rng, rows * nh, 0.2);
            float[] x = random(rng, ni, 1);
            float[] h = random(rng, nh, 1);
            float[] b1 = random(rng, rows, 1);
            float[] b2 = random(rng, rows, 1);
            for (QuantizedMatrix.Format f : QuantizedMatrix.Format.values()) {
                QuantizedMatrix m = nh == 0 ? QuantizedMatrix.quantize(f, wi, 0, rows, ni)
                        : QuantizedMatrix.concat(QuantizedMatrix.quantize(f, wi, 0, rows, ni),
                        QuantizedMatrix.quantize(f, wh, 0, rows, nh));
                int[][] ranges = {{0, rows}, {rows / 3, Math.max(rows / 3, rows - 2)}, {rows / 2, rows / 2}};
                for (int[] range : ranges) {
                    float[][] fast = {new float[rows], new float[rows]};
                    float[][] ref = {new float[rows], new float[rows]};
                    m.product(range[0], range[1], x, 0, h, 0, b1, b2, fast[0], fast[1], 0);
                    m.productReference(range[0], range[1], x, 0, h, 0, b1, b2, ref[0], ref[1], 0);
                    for (int k = 0; k < 2; k++) {
                        if (!Arrays.equals(ref[k], fast[k])) {
                            out.add(f + " " + Arrays.toString(size) + " rows " + range[0] + ".." + range[1]
                                    + " (block " + k + ")");
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void rowsSplitAnyWayGiveTheSameBits() {
        SplittableRandom rng = new SplittableRandom(9);
        int rows = 41;
        int cols = 70;
        float[] w = random(rng, rows * cols, 0.5);
        float[] x = random(rng, cols, 1);
        QuantizedMatrix m = QuantizedMatrix.quantize(QuantizedMatrix.Format.INT8, w, 0, rows, cols);
        float[] whole = new float[rows];
        float[] parts = new float[rows];
        m.product(0, rows, x, 0, null, 0, null, null, whole, null, 0);
        m.product(0, 17, x, 0, null, 0, null, null, parts, null, 0);
        m.product(17, 18, x, 0, null, 0, null, null, parts, null, 0);
        m.product(18, rows, x, 0, null, 0, null, null, parts, null, 0);
        assertArrayEquals(whole, parts);
    }

    static float[] random(SplittableRandom rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextDouble(-1, 1) * scale);
        }
        return a;
    }

    private static float[] integers(SplittableRandom rng, int n, int max) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextInt(-max, max + 1);
        }
        return a;
    }
}
