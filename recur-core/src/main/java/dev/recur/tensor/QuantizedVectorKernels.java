package dev.recur.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API products of {@link QuantizedMatrix}, over its panels: a vector holds {@code L}
 * rows, one per lane; at each column one load brings those rows' weights, narrow (bytes or
 * shorts), which are widened to float32 lanes in registers (int8: {@code B2F}, sign-extended and
 * converted; bf16: {@code S2I}, shifted into the upper half of an int and reinterpreted) and
 * multiplied-added with the column's input, broadcast. Four vectors of rows at a time share each
 * broadcast and keep four independent chains in flight; the last vectors of a range, fewer than
 * four, go one at a time (a vector may hold rows outside the range, or the zero rows that pad the
 * last panel: computed, not written). Each row is thus one chain of fused multiply-adds in column
 * order, as in {@link QuantizedMatrix#productReference}: the same bits, and no sum across lanes.
 * The row's scale and bias are applied once, to the sum.
 * The widening is written out inside each loop: a helper method returning the widened vector was
 * not always inlined, and a vector returned from a call is boxed (bf16 then allocated 24 bytes per
 * 16 weights and ran 3-4 times slower). Int8 and bf16 have methods of their own, so no vector
 * variable is ever defined on two branches (see docs/performance.md). Loaded only when the Vector
 * API module is present. Stateless.
 */
final class QuantizedVectorKernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Vectors of rows summed side by side. */
    private static final int VECTORS = 4;
    /**
     * Columns of one pass of the inner loop, whose trip count is then a constant: this JIT compiles
     * that loop into code about 1.4 times as fast as the same loop bounded by a variable (measured
     * with the int8 product of W6's shapes); the columns after the last whole chunk follow one by one.
     */
    private static final int CHUNK = 64;
    // with 4 float lanes (128-bit vectors) there is no byte vector of 4 lanes: the plain loop serves;
    // a vector of rows must lie within one panel
    private static final boolean SUPPORTED = L >= 8 && QuantizedMatrix.PANEL % L == 0;
    private static final VectorSpecies<Byte> B = SUPPORTED ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8))
            : null;
    private static final VectorSpecies<Short> S = SUPPORTED
            ? VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16)) : null;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private QuantizedVectorKernels() {
    }

    /** Whether these kernels run on this JVM's vectors (8 or 16 float lanes). */
    static boolean supported() {
        return SUPPORTED;
    }

    /**
     * Rows {@code [r0, r1)} of the int8 block of columns {@code [c0, c1)}:
     * {@code out[o + r] = bias_r + s_r Σ_{c0 <= c < c1} q[r,c] v[vOff + c - c0]}. Writes only those
     * outputs.
     */
    static void int8(QuantizedMatrix m, int r0, int r1, int c0, int c1, float[] v, int vOff, float[] scales,
                     float[] bias, float[] out, int o) {
        final byte[] q = m.int8;
        final int nc = m.cols();
        final int n = c1 - c0;
        final float[] sums = new float[VECTORS * L];
        int r = r0 / L * L;
        for (; r + (VECTORS - 1) * L < r1; r += VECTORS * L) {
            final int p0 = QuantizedMatrix.index(r, c0, nc);
            final int p1 = QuantizedMatrix.index(r + L, c0, nc);
            final int p2 = QuantizedMatrix.index(r + 2 * L, c0, nc);
            final int p3 = QuantizedMatrix.index(r + 3 * L, c0, nc);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            // Σ_c q[r,c] v_c, one lane a row: whole chunks of columns, then the rest
            int c = 0;
            for (; c + CHUNK <= n; c += CHUNK) {
                for (int j = 0; j < CHUNK; j++) {
                    final int k = (c + j) * QuantizedMatrix.PANEL;
                    final FloatVector x = FloatVector.broadcast(F, v[vOff + c + j]);
                    a0 = ((FloatVector) ByteVector.fromArray(B, q, p0 + k).convertShape(VectorOperators.B2F, F, 0)).fma(x, a0);
                    a1 = ((FloatVector) ByteVector.fromArray(B, q, p1 + k).convertShape(VectorOperators.B2F, F, 0)).fma(x, a1);
                    a2 = ((FloatVector) ByteVector.fromArray(B, q, p2 + k).convertShape(VectorOperators.B2F, F, 0)).fma(x, a2);
                    a3 = ((FloatVector) ByteVector.fromArray(B, q, p3 + k).convertShape(VectorOperators.B2F, F, 0)).fma(x, a3);
                }
            }
            for (; c < n; c++) {
                final int k = c * QuantizedMatrix.PANEL;
                final FloatVector x = FloatVector.broadcast(F, v[vOff + c]);
                a0 = ((FloatVector) ByteVector.fromArray(B, q, p0 + k).convertShape(VectorOperators.B2F, F, 0)).fma(x, a0);
                a1 = ((FloatVector) ByteVector.fromArray(B, q, p1 + k).convertShape(VectorOperators.B2F, F, 0)).fma(x, a1);
                a2 = ((FloatVector) ByteVector.fromArray(B, q, p2 + k).convertShape(VectorOperators.B2F, F, 0)).fma(x, a2);
                a3 = ((FloatVector) ByteVector.fromArray(B, q, p3 + k).convertShape(VectorOperators.B2F, F, 0)).fma(x, a3);
            }
            a0.intoArray(sums, 0);
            a1.intoArray(sums, L);
            a2.intoArray(sums, 2 * L);
            a3.intoArray(sums, 3 * L);
            finish(r, VECTORS * L, r0, r1, sums, scales, bias, out, o);
        }
        // fewer than four vectors of rows left: one at a time
        for (; r < r1; r += L) {
            final int p = QuantizedMatrix.index(r, c0, nc);
            FloatVector a = FloatVector.zero(F);
            for (int c = 0; c < n; c++) {
                a = ((FloatVector) ByteVector.fromArray(B, q, p + c * QuantizedMatrix.PANEL)
                        .convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.broadcast(F, v[vOff + c]), a);
            }
            a.intoArray(sums, 0);
            finish(r, L, r0, r1, sums, scales, bias, out, o);
        }
    }

    /**
     * Rows {@code [r0, r1)} of the bf16 block of columns {@code [c0, c1)}:
     * {@code out[o + r] = bias_r + Σ_{c0 <= c < c1} bf16(W[r,c]) v[vOff + c - c0]}, as {@link #int8}.
     */
    static void bf16(QuantizedMatrix m, int r0, int r1, int c0, int c1, float[] v, int vOff, float[] bias,
                     float[] out, int o) {
        final short[] q = m.bf16;
        final int nc = m.cols();
        final int n = c1 - c0;
        final float[] sums = new float[VECTORS * L];
        int r = r0 / L * L;
        for (; r + (VECTORS - 1) * L < r1; r += VECTORS * L) {
            final int p0 = QuantizedMatrix.index(r, c0, nc);
            final int p1 = QuantizedMatrix.index(r + L, c0, nc);
            final int p2 = QuantizedMatrix.index(r + 2 * L, c0, nc);
            final int p3 = QuantizedMatrix.index(r + 3 * L, c0, nc);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            // Σ_c bf16(W[r,c]) v_c, one lane a row: whole chunks of columns, then the rest
            int c = 0;
            for (; c + CHUNK <= n; c += CHUNK) {
                for (int j = 0; j < CHUNK; j++) {
                    final int k = (c + j) * QuantizedMatrix.PANEL;
                    final FloatVector x = FloatVector.broadcast(F, v[vOff + c + j]);
                    a0 = ((IntVector) ShortVector.fromArray(S, q, p0 + k).convertShape(VectorOperators.S2I, I, 0))
                            .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x, a0);
                    a1 = ((IntVector) ShortVector.fromArray(S, q, p1 + k).convertShape(VectorOperators.S2I, I, 0))
                            .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x, a1);
                    a2 = ((IntVector) ShortVector.fromArray(S, q, p2 + k).convertShape(VectorOperators.S2I, I, 0))
                            .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x, a2);
                    a3 = ((IntVector) ShortVector.fromArray(S, q, p3 + k).convertShape(VectorOperators.S2I, I, 0))
                            .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x, a3);
                }
            }
            for (; c < n; c++) {
                final int k = c * QuantizedMatrix.PANEL;
                final FloatVector x = FloatVector.broadcast(F, v[vOff + c]);
                a0 = ((IntVector) ShortVector.fromArray(S, q, p0 + k).convertShape(VectorOperators.S2I, I, 0))
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x, a0);
                a1 = ((IntVector) ShortVector.fromArray(S, q, p1 + k).convertShape(VectorOperators.S2I, I, 0))
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x, a1);
                a2 = ((IntVector) ShortVector.fromArray(S, q, p2 + k).convertShape(VectorOperators.S2I, I, 0))
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x, a2);
                a3 = ((IntVector) ShortVector.fromArray(S, q, p3 + k).convertShape(VectorOperators.S2I, I, 0))
                        .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(x, a3);
            }
            a0.intoArray(sums, 0);
            a1.intoArray(sums, L);
            a2.intoArray(sums, 2 * L);
            a3.intoArray(sums, 3 * L);
            finish(r, VECTORS * L, r0, r1, sums, null, bias, out, o);
        }
        // fewer than four vectors of rows left: one at a time
        for (; r < r1; r += L) {
            final int p = QuantizedMatrix.index(r, c0, nc);
            FloatVector a = FloatVector.zero(F);
            for (int c = 0; c < n; c++) {
                a = ((IntVector) ShortVector.fromArray(S, q, p + c * QuantizedMatrix.PANEL)
                        .convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                        .reinterpretAsFloats().fma(FloatVector.broadcast(F, v[vOff + c]), a);
            }
            a.intoArray(sums, 0);
            finish(r, L, r0, r1, sums, null, bias, out, o);
        }
    }

    /** Writes the rows of {@code [r, r + count)} that lie in {@code [r0, r1)} from their sums. */
    private static void finish(int r, int count, int r0, int r1, float[] sums, float[] scales, float[] bias,
                               float[] out, int o) {
        for (int i = Math.max(r, r0), end = Math.min(r + count, r1); i < end; i++) {
            // y_r = bias_r + s_r Σ_c q[r,c] v_c   (bf16: no scale)
            out[o + i] = (bias == null ? 0f : bias[i]) + (scales == null ? sums[i - r] : scales[i] * sums[i - r]);
        }
    }
}
