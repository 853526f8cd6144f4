package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;

/**
 * One Elman RNN step in float64 (the float32 twin {@code FloatElmanCell} is generated from this
 * file).
 *
 * <pre>
 * h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)       φ = tanh, or relu = max(·, 0)
 * </pre>
 * The gate value kept for backward is {@code h_t} itself: {@code tanh' = 1 − h²},
 * {@code relu' = [h > 0]} (0 at 0, and where {@code h} is NaN); relu passes a NaN on, as PyTorch's does.
 *
 * <p>Stateless and thread-safe: a step writes only the cache and arrays it is given.
 */
public final class DoubleElmanCell implements Cell<double[]> {

    /** The tanh cell. */
    public static final DoubleElmanCell TANH = new DoubleElmanCell(false);
    /** The relu cell. */
    public static final DoubleElmanCell RELU = new DoubleElmanCell(true);


    private final boolean relu;

    private DoubleElmanCell(boolean relu) {
        this.relu = relu;
    }

    @Override
    public CellKind kind() {
        return relu ? CellKind.RNN_RELU : CellKind.RNN_TANH;
    }

    @Override
    public void forward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        final Kernels<double[]> K = cache.kernels;
        final int nb = cache.batch;
        final int nh = cache.hidden;
        final double[] a = cache.gateValues;
        final double[] h = cache.states;
        final int a0 = cache.gateOffset(t);
        final int hPrev = cache.stateOffset(prev);
        final int hCur = cache.stateOffset(cur);

        // a += h_{t-1} W_hhᵀ + b_hh   (a already holds W_ih x_t + b_ih)
        K.gemm(false, nb, nh, nh, h, hPrev, nh, cache.recurrentT, true, a, a0, nh);
        if (p.biasHh() != null) {
            K.addRowVector(p.biasHh().value(), nb, nh, a, a0);
        }
        for (int b = 0; b < nb; b++) {
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(a, a0 + hb, nh);
                K.copy(h, hPrev + hb, h, hCur + hb, nh);
                continue;
            }
            for (int j = 0; j < nh; j++) {
                // h_t = φ(a)
                final double v = a[a0 + hb + j];
                final double ht = relu ? Math.max(v, 0) : (double) Math.tanh(v);
                a[a0 + hb + j] = ht;
                h[hCur + hb + j] = ht;
            }
        }
    }

    @Override
    public void backward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        final Kernels<double[]> K = cache.kernels;
        final int nb = cache.batch;
        final int nh = cache.hidden;
        final double[] a = cache.gateValues;
        final double[] da = cache.gateGrads;
        final double[] dh = cache.dh;
        final double[] dhPrev = cache.dhPrev;
        final int a0 = cache.gateOffset(t);

        for (int b = 0; b < nb; b++) {
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(da, a0 + hb, nh);
                K.copy(dh, hb, dhPrev, hb, nh);
                continue;
            }
            K.zero(dhPrev, hb, nh);
            for (int j = 0; j < nh; j++) {
                // h_t = φ(a):  da = dh ⊙ φ'(a)
                final double ht = a[a0 + hb + j];
                final double dhj = dh[hb + j];
                da[a0 + hb + j] = relu ? (ht > 0 ? dhj : 0) : dhj * (1 - ht * ht);
            }
        }
        // a = … + W_hh h_{t-1}:  dh_{t-1} += da W_hh
        K.gemm(false, nb, nh, nh, da, a0, nh, cache.recurrent, true, dhPrev, 0, nh);
    }
}
