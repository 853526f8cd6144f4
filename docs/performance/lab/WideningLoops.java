// Lab code for docs/performance/quantized-inference-2026-12-07.md: how this JIT compiles the int8
// product's inner loop. Not part of the build. One thread, a 1,024 x 512 int8 matrix (in L2).
// Run: java --add-modules jdk.incubator.vector docs/performance/lab/WideningLoops.java
import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

public class WideningLoops {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
    static final int L = 16;
    static final int ROWS = 1024;
    static final int COLS = 512;
    static int cols = COLS;                        // the same bound, read from a field: not a constant
    static final byte[] q = new byte[ROWS * COLS]; // row-major for the row loops, panels of 16 rows for the others
    static final float[] x = new float[COLS];
    static final float[] out = new float[ROWS];
    static final float[] sink = new float[4 * L];

    /** Rows of q (row-major), four at a time, two chains a row, a horizontal sum at the end: the first kernels' form. */
    static void rows() {
        for (int r = 0; r < ROWS; r += 4) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
            int w0 = r * COLS, w1 = w0 + COLS, w2 = w1 + COLS, w3 = w2 + COLS;
            for (int c = 0; c < COLS; c += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(F, x, c), v1 = FloatVector.fromArray(F, x, c + L);
                a0 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, a0);
                a1 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, a1);
                b0 = ((FloatVector) ByteVector.fromArray(B, q, w1 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, b0);
                b1 = ((FloatVector) ByteVector.fromArray(B, q, w1 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, b1);
                c0 = ((FloatVector) ByteVector.fromArray(B, q, w2 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, c0);
                c1 = ((FloatVector) ByteVector.fromArray(B, q, w2 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, c1);
                d0 = ((FloatVector) ByteVector.fromArray(B, q, w3 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, d0);
                d1 = ((FloatVector) ByteVector.fromArray(B, q, w3 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, d1);
            }
            out[r] = a0.add(a1).reduceLanes(VectorOperators.ADD);
            out[r + 1] = b0.add(b1).reduceLanes(VectorOperators.ADD);
            out[r + 2] = c0.add(c1).reduceLanes(VectorOperators.ADD);
            out[r + 3] = d0.add(d1).reduceLanes(VectorOperators.ADD);
        }
    }

    /** The same, the sums stored as vectors: what the horizontal sum costs. */
    static void rowsNoHorizontalSum() {
        for (int r = 0; r < ROWS; r += 4) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
            int w0 = r * COLS, w1 = w0 + COLS, w2 = w1 + COLS, w3 = w2 + COLS;
            for (int c = 0; c < COLS; c += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(F, x, c), v1 = FloatVector.fromArray(F, x, c + L);
                a0 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, a0);
                a1 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, a1);
                b0 = ((FloatVector) ByteVector.fromArray(B, q, w1 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, b0);
                b1 = ((FloatVector) ByteVector.fromArray(B, q, w1 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, b1);
                c0 = ((FloatVector) ByteVector.fromArray(B, q, w2 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, c0);
                c1 = ((FloatVector) ByteVector.fromArray(B, q, w2 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, c1);
                d0 = ((FloatVector) ByteVector.fromArray(B, q, w3 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, d0);
                d1 = ((FloatVector) ByteVector.fromArray(B, q, w3 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, d1);
            }
            a0.add(a1).intoArray(sink, 0);
            b0.add(b1).intoArray(sink, L);
            c0.add(c1).intoArray(sink, 2 * L);
            d0.add(d1).intoArray(sink, 3 * L);
        }
    }

    /** The same as {@link #rows}, the widened ints reinterpreted, not converted (a wrong result, for timing only). */
    static void rowsNoConversion() {
        for (int r = 0; r < ROWS; r += 4) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
            int w0 = r * COLS, w1 = w0 + COLS, w2 = w1 + COLS, w3 = w2 + COLS;
            for (int c = 0; c < COLS; c += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(F, x, c), v1 = FloatVector.fromArray(F, x, c + L);
                a0 = ((IntVector) ByteVector.fromArray(B, q, w0 + c).convertShape(VectorOperators.B2I, I, 0)).reinterpretAsFloats().fma(v0, a0);
                a1 = ((IntVector) ByteVector.fromArray(B, q, w0 + c + L).convertShape(VectorOperators.B2I, I, 0)).reinterpretAsFloats().fma(v1, a1);
                b0 = ((IntVector) ByteVector.fromArray(B, q, w1 + c).convertShape(VectorOperators.B2I, I, 0)).reinterpretAsFloats().fma(v0, b0);
                b1 = ((IntVector) ByteVector.fromArray(B, q, w1 + c + L).convertShape(VectorOperators.B2I, I, 0)).reinterpretAsFloats().fma(v1, b1);
                c0 = ((IntVector) ByteVector.fromArray(B, q, w2 + c).convertShape(VectorOperators.B2I, I, 0)).reinterpretAsFloats().fma(v0, c0);
                c1 = ((IntVector) ByteVector.fromArray(B, q, w2 + c + L).convertShape(VectorOperators.B2I, I, 0)).reinterpretAsFloats().fma(v1, c1);
                d0 = ((IntVector) ByteVector.fromArray(B, q, w3 + c).convertShape(VectorOperators.B2I, I, 0)).reinterpretAsFloats().fma(v0, d0);
                d1 = ((IntVector) ByteVector.fromArray(B, q, w3 + c + L).convertShape(VectorOperators.B2I, I, 0)).reinterpretAsFloats().fma(v1, d1);
            }
            out[r] = a0.add(a1).reduceLanes(VectorOperators.ADD);
            out[r + 1] = b0.add(b1).reduceLanes(VectorOperators.ADD);
            out[r + 2] = c0.add(c1).reduceLanes(VectorOperators.ADD);
            out[r + 3] = d0.add(d1).reduceLanes(VectorOperators.ADD);
        }
    }

    /** Panels: four vectors of 16 rows, one lane a row, the column's x broadcast; the loop bounded by a field. */
    static void panelsVariableBound() {
        final int n = cols;
        for (int r = 0; r < ROWS; r += 4 * L) {
            int p0 = r * n, p1 = p0 + L * n, p2 = p1 + L * n, p3 = p2 + L * n;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0; c < n; c++) {
                FloatVector v = FloatVector.broadcast(F, x[c]);
                int o = c * L;
                a0 = ((FloatVector) ByteVector.fromArray(B, q, p0 + o).convertShape(VectorOperators.B2F, F, 0)).fma(v, a0);
                a1 = ((FloatVector) ByteVector.fromArray(B, q, p1 + o).convertShape(VectorOperators.B2F, F, 0)).fma(v, a1);
                a2 = ((FloatVector) ByteVector.fromArray(B, q, p2 + o).convertShape(VectorOperators.B2F, F, 0)).fma(v, a2);
                a3 = ((FloatVector) ByteVector.fromArray(B, q, p3 + o).convertShape(VectorOperators.B2F, F, 0)).fma(v, a3);
            }
            a0.intoArray(out, r);
            a1.intoArray(out, r + L);
            a2.intoArray(out, r + 2 * L);
            a3.intoArray(out, r + 3 * L);
        }
    }

    /** The same, the inner loop over chunks of 64 columns: a constant trip count (as the kernels now are). */
    static void panelsConstantChunks() {
        final int n = cols;
        for (int r = 0; r < ROWS; r += 4 * L) {
            int p0 = r * n, p1 = p0 + L * n, p2 = p1 + L * n, p3 = p2 + L * n;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int c = 0; c + 64 <= n; c += 64) {
                for (int j = 0; j < 64; j++) {
                    FloatVector v = FloatVector.broadcast(F, x[c + j]);
                    int o = (c + j) * L;
                    a0 = ((FloatVector) ByteVector.fromArray(B, q, p0 + o).convertShape(VectorOperators.B2F, F, 0)).fma(v, a0);
                    a1 = ((FloatVector) ByteVector.fromArray(B, q, p1 + o).convertShape(VectorOperators.B2F, F, 0)).fma(v, a1);
                    a2 = ((FloatVector) ByteVector.fromArray(B, q, p2 + o).convertShape(VectorOperators.B2F, F, 0)).fma(v, a2);
                    a3 = ((FloatVector) ByteVector.fromArray(B, q, p3 + o).convertShape(VectorOperators.B2F, F, 0)).fma(v, a3);
                }
            }
            a0.intoArray(out, r);
            a1.intoArray(out, r + L);
            a2.intoArray(out, r + 2 * L);
            a3.intoArray(out, r + 3 * L);
        }
    }

    static double microseconds(Runnable k) {
        int n = 200;
        for (int i = 0; i < 30 * n; i++) {
            k.run();
        }
        double[] s = new double[11];
        for (int j = 0; j < s.length; j++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                k.run();
            }
            s[j] = (System.nanoTime() - t0) / 1e3 / n;
        }
        Arrays.sort(s);
        return s[s.length / 2];
    }

    public static void main(String[] args) {
        Random rnd = new Random(1);
        rnd.nextBytes(q);
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat();
        }
        String[] names = {"rows, reduceLanes", "rows, no horizontal sum", "rows, no conversion",
                "panels, variable bound", "panels, chunks of 64"};
        Runnable[] loops = {WideningLoops::rows, WideningLoops::rowsNoHorizontalSum, WideningLoops::rowsNoConversion,
                WideningLoops::panelsVariableBound, WideningLoops::panelsConstantChunks};
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < loops.length; i++) {
                double us = microseconds(loops[i]);
                System.out.printf("%-26s %6.2f us  %6.1f GFLOP/s%n", names[i], us, 2.0 * ROWS * COLS / us / 1e3);
            }
        }
    }
}
