package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GRU step of {@link DoubleGruCell}, vectorised over the hidden units with the Java Vector API,
 * the last {@code H mod L} units in scalar code (the float32 twin {@code FloatVectorGruCell} is
 * generated from this file). {@link DoubleGruCell} is the plain reference it is tested against.
 *
 * <p>Stateless and thread-safe: a step writes only the cache and arrays it is given.
 */
public final class DoubleVectorGruCell implements Cell<double[]>, RowSplit.Rows<double[]> {

    /** The single instance; the cell holds no state. */
    public static final DoubleVectorGruCell INSTANCE = new DoubleVectorGruCell();

    private static final VectorSpecies<Double> S = DoubleLanes.S;
    private static final int L = DoubleLanes.L;
    private static final int FORWARD = 0;
    private static final int BACKWARD = 1;

    private DoubleVectorGruCell() {
    }

    @Override
    public CellKind kind() {
        return CellKind.GRU;
    }

    @Override
    public void forward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        // each thread: its rows' recurrent product, then their gates and state update
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
        final int ng = 3 * nh;
        final int or = GruGate.RESET.offset(nh);
        final int oz = GruGate.UPDATE.offset(nh);
        final int on = GruGate.NEW.offset(nh);
        final int nv = DoubleLanes.bound(nh);
        final double[] a = cache.gateValues;
        final double[] gh = cache.work;
        final double[] h = cache.states;
        final double[] hn = cache.cells;
        final int a0 = cache.gateOffset(t);
        final int hPrev = cache.stateOffset(prev);
        final int hCur = cache.stateOffset(cur);
        final int nCur = cache.cellOffset(cur);
        final DoubleVector one = DoubleVector.broadcast(S, 1.0);
        // gh = h_{t-1} W_hhᵀ + b_hh   (a holds gi = W_ih x_t + b_ih)
        K.gemm(false, b1 - b0, ng, nh, h, hPrev + b0 * nh, nh, cache.recurrentT, false, gh, b0 * ng, ng);
        if (p.biasHh() != null) {
            K.addRowVector(p.biasHh().value(), b1 - b0, ng, gh, b0 * ng);
        }
        for (int b = b0; b < b1; b++) {
            final int ab = a0 + b * ng;
            final int gb = b * ng;
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(a, ab, ng);
                K.zero(hn, nCur + hb, nh);
                K.copy(h, hPrev + hb, h, hCur + hb, nh);
                continue;
            }
            // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), each sum formed as the activation reads it
            DoubleLanes.sigmoidPlus(a, ab + or, gh, gb + or, nh);
            DoubleLanes.sigmoidPlus(a, ab + oz, gh, gb + oz, nh);
            // n = tanh(gi_n + r ⊙ gh_n)   (gh_n kept for backward)
            K.copy(gh, gb + on, hn, nCur + hb, nh);
            for (int j = 0; j < nv; j += L) {
                final DoubleVector r = DoubleVector.fromArray(S, a, ab + or + j);
                DoubleVector.fromArray(S, a, ab + on + j).add(r.mul(DoubleVector.fromArray(S, gh, gb + on + j)))
                        .intoArray(a, ab + on + j);
            }
            for (int j = nv; j < nh; j++) {
                a[ab + on + j] = a[ab + on + j] + a[ab + or + j] * gh[gb + on + j];
            }
            DoubleLanes.tanh(a, ab + on, a, ab + on, nh);
            // h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
            for (int j = 0; j < nv; j += L) {
                final DoubleVector z = DoubleVector.fromArray(S, a, ab + oz + j);
                final DoubleVector n = DoubleVector.fromArray(S, a, ab + on + j);
                one.sub(z).mul(n).add(z.mul(DoubleVector.fromArray(S, h, hPrev + hb + j))).intoArray(h, hCur + hb + j);
            }
            for (int j = nv; j < nh; j++) {
                final double z = a[ab + oz + j];
                h[hCur + hb + j] = (1 - z) * a[ab + on + j] + z * h[hPrev + hb + j];
            }
        }
    }

    @Override
    public void backward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        // each thread: its rows' gate gradients, then their dh_{t-1} += dgh W_hh
        cache.rowSplit.run(this, BACKWARD, p, cache, t, prev, cur, active);
    }

    /** The per-row part of the backward step, rows {@code [b0, b1)}, carries in {@code dh} and {@code dhPrev}. */
    @Override
    public void backwardRange(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur,
                              boolean[] active, int b0, int b1, double[] dh, double[] dhPrev) {
        final Kernels<double[]> K = cache.rowKernels(b0, b1);
        final int nh = cache.hidden;
        final int ng = 3 * nh;
        final int or = GruGate.RESET.offset(nh);
        final int oz = GruGate.UPDATE.offset(nh);
        final int on = GruGate.NEW.offset(nh);
        final int nv = DoubleLanes.bound(nh);
        final double[] a = cache.gateValues;
        final double[] dgi = cache.gateGrads;
        final double[] dgh = cache.hiddenGateGrads;
        final double[] h = cache.states;
        final double[] hn = cache.cells;
        final int a0 = cache.gateOffset(t);
        final int hPrev = cache.stateOffset(prev);
        final int nCur = cache.cellOffset(cur);
        final DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int b = b0; b < b1; b++) {
            final int ab = a0 + b * ng;
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(dgi, ab, ng);
                K.zero(dgh, ab, ng);
                K.copy(dh, hb, dhPrev, hb, nh);
                continue;
            }
            for (int j = 0; j < nv; j += L) {
                final DoubleVector r = DoubleVector.fromArray(S, a, ab + or + j);
                final DoubleVector z = DoubleVector.fromArray(S, a, ab + oz + j);
                final DoubleVector n = DoubleVector.fromArray(S, a, ab + on + j);
                final DoubleVector dhj = DoubleVector.fromArray(S, dh, hb + j);
                // h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
                final DoubleVector dn = dhj.mul(one.sub(z));
                final DoubleVector dz = dhj.mul(DoubleVector.fromArray(S, h, hPrev + hb + j).sub(n));
                dhj.mul(z).intoArray(dhPrev, hb + j);
                // n = tanh(gi_n + r ⊙ gh_n)
                final DoubleVector dan = dn.mul(one.sub(n.mul(n)));
                final DoubleVector dr = dan.mul(DoubleVector.fromArray(S, hn, nCur + hb + j));
                // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z)
                final DoubleVector dar = dr.mul(r).mul(one.sub(r));
                final DoubleVector daz = dz.mul(z).mul(one.sub(z));
                dar.intoArray(dgi, ab + or + j);
                daz.intoArray(dgi, ab + oz + j);
                dan.intoArray(dgi, ab + on + j);
                dar.intoArray(dgh, ab + or + j);
                daz.intoArray(dgh, ab + oz + j);
                dan.mul(r).intoArray(dgh, ab + on + j);
            }
            for (int j = nv; j < nh; j++) {
                final double r = a[ab + or + j];
                final double z = a[ab + oz + j];
                final double n = a[ab + on + j];
                final double dhj = dh[hb + j];
                final double dn = dhj * (1 - z);
                final double dz = dhj * (h[hPrev + hb + j] - n);
                dhPrev[hb + j] = dhj * z;
                final double dan = dn * (1 - n * n);
                final double dr = dan * hn[nCur + hb + j];
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
        K.gemm(false, b1 - b0, nh, ng, dgh, a0 + b0 * ng, ng, cache.recurrent, true, dhPrev, b0 * nh, nh);
    }
}
