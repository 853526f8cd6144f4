package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GRU step of {@link DoubleGruCell}, vectorised over the hidden units with the Java Vector API
 * (the float32 twin {@code FloatVectorGruCell} is generated from this file). {@link DoubleGruCell}
 * is the plain reference it is tested against.
 */
public final class DoubleVectorGruCell implements Cell<double[]> {

    /** The single instance; the cell holds no state. */
    public static final DoubleVectorGruCell INSTANCE = new DoubleVectorGruCell();

    private static final VectorSpecies<Double> S = DoubleLanes.S;
    private static final int L = DoubleLanes.L;

    private DoubleVectorGruCell() {
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
        final double[] a = cache.gateValues;
        final double[] gh = cache.work;
        final double[] h = cache.states;
        final double[] hn = cache.cells;
        final int a0 = cache.gateOffset(t);
        final int hPrev = cache.stateOffset(prev);
        final int hCur = cache.stateOffset(cur);
        final int nCur = cache.cellOffset(cur);
        final int jv = S.loopBound(nh);

        // gh = h_{t-1} W_hhᵀ + b_hh   (a holds gi = W_ih x_t + b_ih)
        K.gemm(false, nb, ng, nh, h, hPrev, nh, cache.recurrentT, false, gh, 0, ng);
        if (p.biasHh() != null) {
            K.addRowVector(p.biasHh().value(), nb, ng, gh, 0);
        }
        for (int b = 0; b < nb; b++) {
            final int ab = a0 + b * ng;
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(a, ab, ng);
                K.zero(hn, nCur + hb, nh);
                K.copy(h, hPrev + hb, h, hCur + hb, nh);
                continue;
            }
            for (int j = 0; j < jv; j += L) {
                forwardUnits(a, ab, gh, b * ng, nh, j, hn, nCur + hb, h, hPrev + hb, hCur + hb, null);
            }
            if (jv < nh) {
                forwardUnits(a, ab, gh, b * ng, nh, jv, hn, nCur + hb, h, hPrev + hb, hCur + hb, S.indexInRange(jv, nh));
            }
        }
    }

    private static void forwardUnits(double[] a, int ab, double[] gh, int gb, int nh, int j, double[] hn, int nb0,
                                     double[] h, int hp, int hc, VectorMask<Double> mask) {
        final int or = GruGate.RESET.offset(nh) + j;
        final int oz = GruGate.UPDATE.offset(nh) + j;
        final int on = GruGate.NEW.offset(nh) + j;
        // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z)
        final DoubleVector r = DoubleLanes.sigmoid(DoubleLanes.load(a, ab + or, mask).add(DoubleLanes.load(gh, gb + or, mask)));
        final DoubleVector z = DoubleLanes.sigmoid(DoubleLanes.load(a, ab + oz, mask).add(DoubleLanes.load(gh, gb + oz, mask)));
        // n = tanh(gi_n + r ⊙ gh_n)
        final DoubleVector ghn = DoubleLanes.load(gh, gb + on, mask);
        final DoubleVector n = DoubleLanes.tanh(DoubleLanes.load(a, ab + on, mask).add(r.mul(ghn)));
        DoubleLanes.store(r, a, ab + or, mask);
        DoubleLanes.store(z, a, ab + oz, mask);
        DoubleLanes.store(n, a, ab + on, mask);
        DoubleLanes.store(ghn, hn, nb0 + j, mask);
        // h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
        final DoubleVector one = DoubleLanes.ones();
        DoubleLanes.store(one.sub(z).mul(n).add(z.mul(DoubleLanes.load(h, hp + j, mask))), h, hc + j, mask);
    }

    @Override
    public void backward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        final Kernels<double[]> K = cache.kernels;
        final int nb = cache.batch;
        final int nh = cache.hidden;
        final int ng = 3 * nh;
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
        final int jv = S.loopBound(nh);

        for (int b = 0; b < nb; b++) {
            final int ab = a0 + b * ng;
            final int hb = b * nh;
            if (!active[b]) {
                K.zero(dgi, ab, ng);
                K.zero(dgh, ab, ng);
                K.copy(dh, hb, dhPrev, hb, nh);
                continue;
            }
            for (int j = 0; j < jv; j += L) {
                backwardUnits(a, dgi, dgh, ab, nh, j, hn, nCur + hb, h, hPrev + hb, dh, dhPrev, hb, null);
            }
            if (jv < nh) {
                backwardUnits(a, dgi, dgh, ab, nh, jv, hn, nCur + hb, h, hPrev + hb, dh, dhPrev, hb,
                        S.indexInRange(jv, nh));
            }
        }
        // gh = W_hh h_{t-1} + b_hh:  dh_{t-1} += dgh W_hh
        K.gemm(false, nb, nh, ng, dgh, a0, ng, cache.recurrent, true, dhPrev, 0, nh);
    }

    private static void backwardUnits(double[] a, double[] dgi, double[] dgh, int ab, int nh, int j, double[] hn, int nb0,
                                      double[] h, int hp, double[] dh, double[] dhPrev, int hb, VectorMask<Double> mask) {
        final int or = ab + GruGate.RESET.offset(nh) + j;
        final int oz = ab + GruGate.UPDATE.offset(nh) + j;
        final int on = ab + GruGate.NEW.offset(nh) + j;
        final DoubleVector one = DoubleLanes.ones();
        final DoubleVector r = DoubleLanes.load(a, or, mask);
        final DoubleVector z = DoubleLanes.load(a, oz, mask);
        final DoubleVector n = DoubleLanes.load(a, on, mask);
        final DoubleVector dhj = DoubleLanes.load(dh, hb + j, mask);
        // h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
        final DoubleVector dn = dhj.mul(one.sub(z));
        final DoubleVector dz = dhj.mul(DoubleLanes.load(h, hp + j, mask).sub(n));
        DoubleLanes.store(dhj.mul(z), dhPrev, hb + j, mask);
        // n = tanh(gi_n + r ⊙ gh_n)
        final DoubleVector dan = dn.mul(one.sub(n.mul(n)));
        final DoubleVector dr = dan.mul(DoubleLanes.load(hn, nb0 + j, mask));
        // r = σ(gi_r + gh_r), z = σ(gi_z + gh_z)
        final DoubleVector dar = dr.mul(r).mul(one.sub(r));
        final DoubleVector daz = dz.mul(z).mul(one.sub(z));
        DoubleLanes.store(dar, dgi, or, mask);
        DoubleLanes.store(daz, dgi, oz, mask);
        DoubleLanes.store(dan, dgi, on, mask);
        DoubleLanes.store(dar, dgh, or, mask);
        DoubleLanes.store(daz, dgh, oz, mask);
        DoubleLanes.store(dan.mul(r), dgh, on, mask);
    }
}
