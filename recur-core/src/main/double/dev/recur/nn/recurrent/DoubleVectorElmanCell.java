package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Elman RNN step of {@link DoubleElmanCell}, vectorised over the hidden units with the Java
 * Vector API, the last {@code H mod L} units in scalar code (the float32 twin {@code FloatVectorElmanCell} is generated from this file).
 * {@link DoubleElmanCell} is the plain reference it is tested against.
 *
 * <p>Stateless and thread-safe: a step writes only the cache and arrays it is given.
 */
public final class DoubleVectorElmanCell implements Cell<double[]>, RowSplit.Rows<double[]> {

    /** The tanh cell. */
    public static final DoubleVectorElmanCell TANH = new DoubleVectorElmanCell(false);
    /** The relu cell. */
    public static final DoubleVectorElmanCell RELU = new DoubleVectorElmanCell(true);

    private static final VectorSpecies<Double> S = DoubleLanes.S;
    private static final int L = DoubleLanes.L;
    private static final int FORWARD = 0;
    private static final int BACKWARD = 1;

    private final boolean relu;

    private DoubleVectorElmanCell(boolean relu) {
        this.relu = relu;
    }

    @Override
    public CellKind kind() {
        return relu ? CellKind.RNN_RELU : CellKind.RNN_TANH;
    }

    @Override
    public boolean foldsHiddenBias() {
        return true;
    }

    @Override
    public void forward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        // each thread: its rows' recurrent product, then their activation
        cache.rowSplit.run(this, FORWARD, p, cache, t, prev, cur, active);
    }

    @Override
    public void rows(int phase, CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur,
                     boolean[] active, int b0, int b1) {
        if (phase == FORWARD) {
            forwardRange(p, cache, t, prev, cur, active, b0, b1);
        } else {
            backwardRange(p, cache, t, prev, cur, active, b0, b1, cache.dh, cache.dhPrev);
        }
    }

    @Override
    public boolean runsRowRanges(CellParams<double[]> p) {
        return true;
    }

    /** The per-row part of the forward step, rows {@code [b0, b1)}. */
    @Override
    public void forwardRange(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur,
                             boolean[] active, int b0, int b1) {
        final Kernels<double[]> K = cache.rowKernels(b0, b1);
        final int nh = cache.hidden;
        final double[] a = cache.gateValues;
        final double[] h = cache.states;
        final int a0 = cache.gateOffset(t);
        final int hPrev = cache.stateOffset(prev);
        final int hCur = cache.stateOffset(cur);
        final int nv = DoubleLanes.bound(nh);
        final DoubleVector zero = DoubleVector.zero(S);
        // h_{t-1} W_hhᵀ, to be added to a (which already holds W_ih x_t + b_ih + b_hh, see
        // foldsHiddenBias): the product goes to a small scratch that stays in cache, and each row's
        // activation adds it as it reads a
        final double[] rec = cache.work;
        K.gemm(false, b1 - b0, nh, nh, h, hPrev + b0 * nh, nh, cache.recurrentT, false, rec, b0 * nh, nh);
        for (int b = b0; b < b1; b++) {
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(a, a0 + hb, nh);
                K.copy(h, hPrev + hb, h, hCur + hb, nh);
                continue;
            }
            // h_t = φ(a + h_{t-1} W_hhᵀ), the sum formed as φ reads it
            if (relu) {
                for (int j = 0; j < nv; j += L) {
                    DoubleVector.fromArray(S, a, a0 + hb + j).add(DoubleVector.fromArray(S, rec, hb + j)).max(zero)
                            .intoArray(a, a0 + hb + j);
                }
                for (int j = nv; j < nh; j++) {
                    a[a0 + hb + j] = Math.max(a[a0 + hb + j] + rec[hb + j], 0);
                }
            } else {
                DoubleLanes.tanhPlus(a, a0 + hb, rec, hb, nh);
            }
            K.copy(a, a0 + hb, h, hCur + hb, nh);
        }
    }

    @Override
    public void backward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        // each thread: its rows' gate gradients, then their dh_{t-1} += da W_hh
        cache.rowSplit.run(this, BACKWARD, p, cache, t, prev, cur, active);
    }

    /** The per-row part of the backward step, rows {@code [b0, b1)}, carries in {@code dh} and {@code dhPrev}. */
    @Override
    public void backwardRange(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur,
                              boolean[] active, int b0, int b1, double[] dh, double[] dhPrev) {
        final Kernels<double[]> K = cache.rowKernels(b0, b1);
        final int nh = cache.hidden;
        final double[] a = cache.gateValues;
        final double[] da = cache.gateGrads;
        final int a0 = cache.gateOffset(t);
        final int nv = DoubleLanes.bound(nh);
        final DoubleVector one = DoubleVector.broadcast(S, 1.0);
        final DoubleVector zero = DoubleVector.zero(S);
        for (int b = b0; b < b1; b++) {
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(da, a0 + hb, nh);
                K.copy(dh, hb, dhPrev, hb, nh);
                continue;
            }
            K.zero(dhPrev, hb, nh);
            // h_t = φ(a):  da = dh ⊙ φ'(a)
            for (int j = 0; j < nv; j += L) {
                final DoubleVector ht = DoubleVector.fromArray(S, a, a0 + hb + j);
                final DoubleVector dhj = DoubleVector.fromArray(S, dh, hb + j);
                // relu' = [h > 0]: 0 where h is 0 or NaN, as in the scalar tail and the reference
                final DoubleVector dA = relu
                        ? zero.blend(dhj, ht.compare(jdk.incubator.vector.VectorOperators.GT, zero))
                        : dhj.mul(one.sub(ht.mul(ht)));
                dA.intoArray(da, a0 + hb + j);
            }
            for (int j = nv; j < nh; j++) {
                final double ht = a[a0 + hb + j];
                final double dhj = dh[hb + j];
                da[a0 + hb + j] = relu ? (ht > 0 ? dhj : 0) : dhj * (1 - ht * ht);
            }
        }
        // a = … + W_hh h_{t-1}:  dh_{t-1} += da W_hh
        K.gemm(false, b1 - b0, nh, nh, da, a0 + b0 * nh, nh, cache.recurrent, true, dhPrev, b0 * nh, nh);
    }
}
