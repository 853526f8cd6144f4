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
 * into independent float32 accumulator chains (two per row; two rows at a time share each load of
 * {@code x}); the row's scale is applied once, to the sum.
 * The widening is written out inside each loop: a helper method returning the widened vector was
 * not always inlined, and a vector returned from a call is boxed (bf16 then allocated 24 bytes per
 * 16 weights and ran 3-4 times slower).
 * One row at a time (a batch-1 product reads each weight once). Int8 and bf16 have methods of their
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
        final float[] y = new float[2];
        int r = r0;
        for (; r + 2 <= r1; r += 2) {
            final int w0 = r * nc;
            // y_r = bias_r + s_r Σ_c q[r,c] x_c, rows r and r + 1
            int c = pairInt8(q, w0, w0 + nc, ns, x, xOff, y);
            float d0 = c == ns ? y[0] : y[0] + restInt8(q, w0, c, ns, x, xOff);
            float d1 = c == ns ? y[1] : y[1] + restInt8(q, w0 + nc, c, ns, x, xOff);
            out1[o + r] = (bias1 == null ? 0f : bias1[r]) + m.scales[r] * d0;
            out1[o + r + 1] = (bias1 == null ? 0f : bias1[r + 1]) + m.scales[r + 1] * d1;
            if (ns < nc) {
                final int n2 = nc - ns;
                c = pairInt8(q, w0 + ns, w0 + nc + ns, n2, h, hOff, y);
                d0 = c == n2 ? y[0] : y[0] + restInt8(q, w0 + ns, c, n2, h, hOff);
                d1 = c == n2 ? y[1] : y[1] + restInt8(q, w0 + nc + ns, c, n2, h, hOff);
                out2[o + r] = (bias2 == null ? 0f : bias2[r]) + m.scales2[r] * d0;
                out2[o + r + 1] = (bias2 == null ? 0f : bias2[r + 1]) + m.scales2[r + 1] * d1;
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
        final float[] y = new float[2];
        int r = r0;
        for (; r + 2 <= r1; r += 2) {
            final int w0 = r * nc;
            // y_r = bias_r + Σ_c bf16(W[r,c]) x_c, rows r and r + 1
            int c = pairBf16(q, w0, w0 + nc, ns, x, xOff, y);
            float d0 = c == ns ? y[0] : y[0] + restBf16(q, w0, c, ns, x, xOff);
            float d1 = c == ns ? y[1] : y[1] + restBf16(q, w0 + nc, c, ns, x, xOff);
            out1[o + r] = (bias1 == null ? 0f : bias1[r]) + d0;
            out1[o + r + 1] = (bias1 == null ? 0f : bias1[r + 1]) + d1;
            if (ns < nc) {
                final int n2 = nc - ns;
                c = pairBf16(q, w0 + ns, w0 + nc + ns, n2, h, hOff, y);
                d0 = c == n2 ? y[0] : y[0] + restBf16(q, w0 + ns, c, n2, h, hOff);
                d1 = c == n2 ? y[1] : y[1] + restBf16(q, w0 + nc + ns, c, n2, h, hOff);
                out2[o + r] = (bias2 == null ? 0f : bias2[r]) + d0;
                out2[o + r + 1] = (bias2 == null ? 0f : bias2[r + 1]) + d1;
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
     * operations in the same order as each row of {@link #pairInt8}, so a row's sum does not
     * depend on whether it was paired.
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
     * operations in the same order as each row of {@link #pairBf16}, so a row's sum does not
     * depend on whether it was paired.
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
     * Two rows at once, {@code w0} and {@code w1}: {@code y[0] = Σ_{c < n} W(w0 + c) x[x0 + c]}, {@code y[1]}
     * likewise from {@code w1}; each vector of {@code x} is loaded once for both rows; two chains
     * a row. Vector part only: returns the first column not summed (the caller sums the rest of each
     * row with {@link #restInt8}).
     */
    private static int pairInt8(byte[] q, int w0, int w1, int n, float[] x, int x0, float[] y) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        int c = 0;
        for (; c + 2 * L <= n; c += 2 * L) {
            final FloatVector v0 = FloatVector.fromArray(F, x, x0 + c);
            final FloatVector v1 = FloatVector.fromArray(F, x, x0 + c + L);
            a0 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, a0);
            a1 = ((FloatVector) ByteVector.fromArray(B, q, w0 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, a1);
            b0 = ((FloatVector) ByteVector.fromArray(B, q, w1 + c).convertShape(VectorOperators.B2F, F, 0)).fma(v0, b0);
            b1 = ((FloatVector) ByteVector.fromArray(B, q, w1 + c + L).convertShape(VectorOperators.B2F, F, 0)).fma(v1, b1);
        }
        y[0] = a0.add(a1).reduceLanes(VectorOperators.ADD);
        y[1] = b0.add(b1).reduceLanes(VectorOperators.ADD);
        return c;
    }

    /**
     * Two rows at once, {@code w0} and {@code w1}: {@code y[0] = Σ_{c < n} W(w0 + c) x[x0 + c]}, {@code y[1]}
     * likewise from {@code w1}; each vector of {@code x} is loaded once for both rows; two chains
     * a row. Vector part only: returns the first column not summed (the caller sums the rest of each
     * row with {@link #restBf16}).
     */
    private static int pairBf16(short[] q, int w0, int w1, int n, float[] x, int x0, float[] y) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
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
        }
        y[0] = a0.add(a1).reduceLanes(VectorOperators.ADD);
        y[1] = b0.add(b1).reduceLanes(VectorOperators.ADD);
        return c;
    }
}
