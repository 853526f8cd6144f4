package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;

/**
 * One GRU step in float64, in PyTorch's form (the float32 twin {@code FloatGruCell} is generated
 * from this file).
 *
 * <pre>
 * gi = W_ih x_t + b_ih            gh = W_hh h_{t-1} + b_hh          [B, 3H], blocks in {@link GruGate} order
 * r  = σ(gi_r + gh_r)             z  = σ(gi_z + gh_z)
 * n  = tanh(gi_n + r ⊙ gh_n)
 * h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
 * </pre>
 * The cache keeps {@code r, z, n} as gate values and {@code gh_n} in the cell-state slots.
 *
 * <p>Stateless and thread-safe: a step writes only the cache and arrays it is given.
 */
public final class DoubleGruCell implements Cell<double[]> {

    /** The single instance; the cell holds no state. */
    public static final DoubleGruCell INSTANCE = new DoubleGruCell();


    private DoubleGruCell() {
    }

    @Override
    public CellKind kind() {
        return CellKind.GRU;
    }

    @Override
    public void forward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        final Kernels<double[]> K = cache.kernels;
        final int nb = cache.batch;
        final int nh = cache.hidden;
        final int ng = 3 * nh;
        final int or = GruGate.RESET.offset(nh);
        final int oz = GruGate.UPDATE.offset(nh);
        final int on = GruGate.NEW.offset(nh);
        final double[] a = cache.gateValues;
        final double[] gh = cache.work;
        final double[] h = cache.states;
        final double[] hn = cache.cells;
        final int a0 = cache.gateOffset(t);
        final int hPrev = cache.stateOffset(prev);
        final int hCur = cache.stateOffset(cur);
        final int nCur = cache.cellOffset(cur);

        // gh = h_{t-1} W_hhᵀ + b_hh   (a holds gi = W_ih x_t + b_ih)
        K.gemm(false, nb, ng, nh, h, hPrev, nh, cache.recurrentT, false, gh, 0, ng);
        if (p.biasHh() != null) {
            K.addRowVector(p.biasHh().value(), nb, ng, gh, 0);
        }
        for (int b = 0; b < nb; b++) {
            final int ab = a0 + b * ng;
            final int gb = b * ng;
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(a, ab, ng);
                K.zero(hn, nCur + hb, nh);
                K.copy(h, hPrev + hb, h, hCur + hb, nh);
                continue;
            }
            for (int j = 0; j < nh; j++) {
                // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z)
                final double r = sigmoid(a[ab + or + j] + gh[gb + or + j]);
                final double z = sigmoid(a[ab + oz + j] + gh[gb + oz + j]);
                // n = tanh(gi_n + r ⊙ gh_n)
                final double ghn = gh[gb + on + j];
                final double n = tanh(a[ab + on + j] + r * ghn);
                a[ab + or + j] = r;
                a[ab + oz + j] = z;
                a[ab + on + j] = n;
                hn[nCur + hb + j] = ghn;
                // h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
                h[hCur + hb + j] = (1 - z) * n + z * h[hPrev + hb + j];
            }
        }
    }

    @Override
    public void backward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        final Kernels<double[]> K = cache.kernels;
        final int nb = cache.batch;
        final int nh = cache.hidden;
        final int ng = 3 * nh;
        final int or = GruGate.RESET.offset(nh);
        final int oz = GruGate.UPDATE.offset(nh);
        final int on = GruGate.NEW.offset(nh);
        final double[] a = cache.gateValues;
        final double[] dgi = cache.gateGrads;
        final double[] dgh = cache.hiddenGateGrads;
        final double[] h = cache.states;
        final double[] hn = cache.cells;
        final double[] dh = cache.dh;
        final double[] dhPrev = cache.dhPrev;
        final int a0 = cache.gateOffset(t);
        final int hPrev = cache.stateOffset(prev);
        final int nCur = cache.cellOffset(cur);

        for (int b = 0; b < nb; b++) {
            final int ab = a0 + b * ng;
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(dgi, ab, ng);
                K.zero(dgh, ab, ng);
                K.copy(dh, hb, dhPrev, hb, nh);
                continue;
            }
            for (int j = 0; j < nh; j++) {
                final double r = a[ab + or + j];
                final double z = a[ab + oz + j];
                final double n = a[ab + on + j];
                final double dhj = dh[hb + j];
                // h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
                final double dn = dhj * (1 - z);
                final double dz = dhj * (h[hPrev + hb + j] - n);
                dhPrev[hb + j] = dhj * z;
                // n = tanh(gi_n + r ⊙ gh_n)
                final double dan = dn * (1 - n * n);
                final double dr = dan * hn[nCur + hb + j];
                // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z)
                final double dar = dr * r * (1 - r);
                final double daz = dz * z * (1 - z);
                dgi[ab + or + j] = dar;
                dgi[ab + oz + j] = daz;
                dgi[ab + on + j] = dan;
                dgh[ab + or + j] = dar;
                dgh[ab + oz + j] = daz;
                dgh[ab + on + j] = dan * r;
            }
        }
        // gh = W_hh h_{t-1} + b_hh:  dh_{t-1} += dgh W_hh
        K.gemm(false, nb, nh, ng, dgh, a0, ng, cache.recurrent, true, dhPrev, 0, nh);
    }

    private static double sigmoid(double x) {
        return (double) (1 / (1 + Math.exp(-x)));
    }

    private static double tanh(double x) {
        return (double) Math.tanh(x);
    }
}
