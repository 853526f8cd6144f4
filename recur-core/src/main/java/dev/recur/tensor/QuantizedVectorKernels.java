package dev.recur.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API products of {@link QuantizedMatrix}: each weight vector is loaded narrow (bytes or
 * shorts), widened to float32 lanes in registers (int8: {@code B2F}, sign-extended and converted;
 * bf16: {@code S2I}, shifted into the upper half of an int and reinterpreted) and multiplied-added
 * into independent float32 accumulator chains (two per row; four rows at a time share each load of
 * {@code x}); the row's scale is applied once, to the sum.
 * The widening is written out inside each loop: a helper method returning the widened vector was
 * not always inlined, and a vector returned from a call is boxed (bf16 then allocated 24 bytes per
 * 16 weights and ran 3-4 times slower).
 * A batch-1 product reads each weight once. Int8 and bf16 have methods of their
 * own, so no vector variable is ever defined on two branches (see docs/performance.md). Loaded only
 * when the Vector API module is present. Stateless.
 */
final class QuantizedVectorKernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    // with 4 float lanes (128-bit vectors) there is no byte vector of 4 lanes: the plain loop serves
    private static final boolean SUPPORTED = L >= 8;
    private static final VectorSpecies<Byte> B = SUPPORTED ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8))
            : null;
    private static final VectorSpecies<Short> S = SUPPORTED
            ? VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16)) : null;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** Rows summed side by side. */
    private static final int ROWS = 4;

    private QuantizedVectorKernels() {
    }

    /** Whether these kernels run on this JVM's vectors (at least 8 float lanes). */
    static boolean supported() {
        return SUPPORTED;
    }

    static void rowsInt8(QuantizedMatrix m, int r0, int r1, float[] x, int xOff, float[] h, int hOff, float[] bias1,
                         float[] bias2, float[] out1, float[] out2, int o) {
        final int nc = m.cols();
        final int ns = m.split();
        final byte[] q = m.int8;
        final float[] y = new float[ROWS];
        int r = r0;
        for (; r + ROWS <= r1; r += ROWS) {
            final int w0 = r * nc;
            // y_r = bias_r + s_r Σ_c q[r,c] x_c, rows r .. r + 3
            int c = rowsInt8(q, w0, nc, ns, x, xOff, y);
            for (int i = 0; i < ROWS; i++) {
                final float d = c == ns ? y[i] : y[i] + restInt8(q, w0 + i * nc, c, ns, x, xOff);
                out1[o + r + i] = (bias1 == null ? 0f : bias1[r + i]) + m.scales[r + i] * d;
            }
            if (ns < nc) {
                final int n2 = nc - ns;
                c = rowsInt8(q, w0 + ns, nc, n2, h, hOff, y);
                for (int i = 0; i < ROWS; i++) {
                    final float d = c == n2 ? y[i] : y[i] + restInt8(q, w0 + i * nc + ns, c, n2, h, hOff);
                    out2[o + r + i] = (bias2 == null ? 0f : bias2[r + i]) + m.scales2[r + i] * d;
                }
            }
        }
        for (; r < r1; r++) {
            final int w0 = r * nc;
            // y_r = bias_r + s_r Σ_c q[r,c] x_c
            out1[o + r] = (bias1 == null ? 0f : bias1[r]) + m.scales[r] * dotInt8(q, w0, ns, x, xOff);
            if (ns < nc) {
                out2[o + r] = (bias2 == null ? 0f : bias2[r]) + m.scales2[r] * dotInt8(q, w0 + ns, nc - ns, h, hOff);
            }
        }
    }

    static void rowsBf16(QuantizedMatrix m, int r0, int r1, float[] x, int xOff, float[] h, int hOff, float[] bias1,
                         float[] bias2, float[] out1, float[] out2, int o) {
        final int nc = m.cols();
        final int ns = m.split();
        final short[] q = m.bf16;
        final float[] y = new float[ROWS];
        int r = r0;
        for (; r + ROWS <= r1; r += ROWS) {
            final int w0 = r * nc;
            // y_r = bias_r + Σ_c bf16(W[r,c]) x_c, rows r .. r + 3
            int c = rowsBf16(q, w0, nc, ns, x, xOff, y);
            for (int i = 0; i < ROWS; i++) {
                final float d = c == ns ? y[i] : y[i] + restBf16(q, w0 + i * nc, c, ns, x, xOff);
                out1[o + r + i] = (bias1 == null ? 0f : bias1[r + i]) + d;
            }
            if (ns < nc) {
                final int n2 = nc - ns;
                c = rowsBf16(q, w0 + ns, nc, n2, h, hOff, y);
                for (int i = 0; i < ROWS; i++) {
                    final float d = c == n2 ? y[i] : y[i] + restBf16(q, w0 + i * nc + ns, c, n2, h, hOff);
                    out2[o + r + i] = (bias2 == null ? 0f : bias2[r + i]) + d;
                }
            }
        }
        for (; r < r1; r++) {
            final int w0 = r * nc;
            // y_r = bias_r + Σ_c bf16(W[r,c]) x_c
            out1[o + r] = (bias1 == null ? 0f : bias1[r]) + dotBf16(q, w0, ns, x, xOff);
            if (ns < nc) {
                out2[o + r] = (bias2 == null ? 0f : bias2[r]) + dotBf16(q, w0 + ns, nc - ns, h, hOff);
            }
        }
    }

    /**
     * {@code Σ_{c < n} q[w0 + c] x[x0 + c]}: two chains of {@code L} lanes, summed and reduced, then the rest: the same
     * operations in the same order as each row of {@link #rowsInt8(byte[], int, int, int, float[], int, float[])}, so a row's sum does not
     * depend on whether it was summed beside others.
     */
    static float dotInt8(byte[] q, int w0, int n, float[] x, int x0) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int c = 0;
        for (; c + 2 * L <= n; c += 2 * L) {
            a0 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c).convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, x, x0 + c), a0);
            a1 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, x, x0 + c + L), a1);
        }
        final float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        return c == n ? s : s + restInt8(q, w0, c, n, x, x0);
    }

    /** {@code Σ_{c0 <= c < n} q[w0 + c] x[x0 + c]}: one vector at a time, then scalars. */
    private static float restInt8(byte[] q, int w0, int c0, int n, float[] x, int x0) {
        FloatVector a = FloatVector.zero(F);
        int c = c0;
        for (; c + L <= n; c += L) {
            a = ((FloatVector) ByteVector.fromArray(B, q, w0 + c).convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, x, x0 + c), a);
        }
        float s = a.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            s += q[w0 + c] * x[x0 + c];
        }
        return s;
    }

    /**
     * {@code Σ_{c < n} bf16(q[w0 + c]) x[x0 + c]}: two chains of {@code L} lanes, summed and reduced, then the rest: the same
     * operations in the same order as each row of {@link #rowsBf16(short[], int, int, int, float[], int, float[])}, so a row's sum does not
     * depend on whether it was summed beside others.
     */
    static float dotBf16(short[] q, int w0, int n, float[] x, int x0) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int c = 0;
        for (; c + 2 * L <= n; c += 2 * L) {
            a0 = ((IntVector) ShortVector.fromArray(S, q, w0 + c).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, x0 + c), a0);
            a1 = ((IntVector) ShortVector.fromArray(S, q, w0 + c + L).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, x0 + c + L), a1);
        }
        final float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        return c == n ? s : s + restBf16(q, w0, c, n, x, x0);
    }

    /** {@code Σ_{c0 <= c < n} bf16(q[w0 + c]) x[x0 + c]}, as {@link #restInt8}. */
    private static float restBf16(short[] q, int w0, int c0, int n, float[] x, int x0) {
        FloatVector a = FloatVector.zero(F);
        int c = c0;
        for (; c + L <= n; c += L) {
            a = ((IntVector) ShortVector.fromArray(S, q, w0 + c).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, x0 + c), a);
        }
        float s = a.reduceLanes(VectorOperators.ADD);
        for (; c < n; c++) {
            s += QuantizedMatrix.fromBf16(q[w0 + c]) * x[x0 + c];
        }
        return s;
    }

    /**
     * Four rows at once, {@code w0} and the next three at steps of {@code ld}: {@code y[i] = Σ_{c < n}
     * W(w0 + i·ld + c) x[x0 + c]}; each vector of {@code x} is loaded once for all four rows; two
     * chains a row, as in {@link #dotInt8} (eight chains in all: with two rows' four chains, each
     * fused multiply-add waited on the one before it). Vector part only: returns the first column
     * not summed (the caller sums the rest of each row with {@link #restInt8}).
     */
    private static int rowsInt8(byte[] q, int w0, int ld, int n, float[] x, int x0, float[] y) {
        final int w1 = w0 + ld;
        final int w2 = w1 + ld;
        final int w3 = w2 + ld;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        int c = 0;
        for (; c + 2 * L <= n; c += 2 * L) {
            final FloatVector v0 = FloatVector.fromArray(F, x, x0 + c);
            final FloatVector v1 = FloatVector.fromArray(F, x, x0 + c + L);
            a0 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, a0);
            a1 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, a1);
            b0 = ((FloatVector) ByteVector.fromArray(B, q, w1 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, b0);
            b1 = ((FloatVector) ByteVector.fromArray(B, q, w1 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, b1);
            c0 = ((FloatVector) ByteVector.fromArray(B, q, w2 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, c0);
            c1 = ((FloatVector) ByteVector.fromArray(B, q, w2 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, c1);
            d0 = ((FloatVector) ByteVector.fromArray(B, q, w3 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, d0);
            d1 = ((FloatVector) ByteVector.fromArray(B, q, w3 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, d1);
        }
        y[0] = a0.add(a1).reduceLanes(VectorOperators.ADD);
        y[1] = b0.add(b1).reduceLanes(VectorOperators.ADD);
        y[2] = c0.add(c1).reduceLanes(VectorOperators.ADD);
        y[3] = d0.add(d1).reduceLanes(VectorOperators.ADD);
        return c;
    }

    /** Four rows at once, as {@link #rowsInt8(byte[], int, int, int, float[], int, float[])}, of bf16 weights. */
    private static int rowsBf16(short[] q, int w0, int ld, int n, float[] x, int x0, float[] y) {
        final int w1 = w0 + ld;
        final int w2 = w1 + ld;
        final int w3 = w2 + ld;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        int c = 0;
        for (; c + 2 * L <= n; c += 2 * L) {
            final FloatVector v0 = FloatVector.fromArray(F, x, x0 + c);
            final FloatVector v1 = FloatVector.fromArray(F, x, x0 + c + L);
            a0 = ((IntVector) ShortVector.fromArray(S, q, w0 + c).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v0, a0);
            a1 = ((IntVector) ShortVector.fromArray(S, q, w0 + c + L).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v1, a1);
            b0 = ((IntVector) ShortVector.fromArray(S, q, w1 + c).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v0, b0);
            b1 = ((IntVector) ShortVector.fromArray(S, q, w1 + c + L).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v1, b1);
            c0 = ((IntVector) ShortVector.fromArray(S, q, w2 + c).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v0, c0);
            c1 = ((IntVector) ShortVector.fromArray(S, q, w2 + c + L).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v1, c1);
            d0 = ((IntVector) ShortVector.fromArray(S, q, w3 + c).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v0, d0);
            d1 = ((IntVector) ShortVector.fromArray(S, q, w3 + c + L).convertShape(VectorOperators.S2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v1, d1);
        }
        y[0] = a0.add(a1).reduceLanes(VectorOperators.ADD);
        y[1] = b0.add(b1).reduceLanes(VectorOperators.ADD);
        y[2] = c0.add(c1).reduceLanes(VectorOperators.ADD);
        y[3] = d0.add(d1).reduceLanes(VectorOperators.ADD);
        return c;
    }
}
