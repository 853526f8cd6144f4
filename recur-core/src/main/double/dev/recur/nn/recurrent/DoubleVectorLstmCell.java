package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The LSTM step of {@link DoubleLstmCell}, vectorised over the hidden units with the Java Vector
 * API: the same equations in the same order, a vector of units at a time (the float32 twin
 * {@code FloatVectorLstmCell} is generated from this file). {@link DoubleLstmCell} is the plain
 * reference it is tested against.
 */
public final class DoubleVectorLstmCell implements Cell<double[]> {

    /** The single instance; the cell holds no state. */
    public static final DoubleVectorLstmCell INSTANCE = new DoubleVectorLstmCell();

    private static final VectorSpecies<Double> S = DoubleLanes.S;
    private static final int L = DoubleLanes.L;

    private DoubleVectorLstmCell() {
    }

    @Override
    public CellKind kind() {
        return CellKind.LSTM;
    }

    @Override
    public void forward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        final Kernels<double[]> K = cache.kernels;
        final int nb = cache.batch;
        final int nh = cache.hidden;
        final int nout = cache.hiddenOut;
        final int ng = 4 * nh;
        final double[] a = cache.gateValues;
        final double[] h = cache.states;
        final double[] c = cache.cells;
        final int a0 = cache.gateOffset(t);
        final int hPrev = cache.stateOffset(prev);
        final int hCur = cache.stateOffset(cur);
        final int cPrev = cache.cellOffset(prev);
        final int cCur = cache.cellOffset(cur);
        final boolean projected = p.weightHr() != null;

        // a += h_{t-1} W_hhᵀ + b_hh   (a already holds W_ih x_t + b_ih)
        K.gemm(false, nb, ng, nout, h, hPrev, nout, cache.recurrentT, true, a, a0, ng);
        if (p.biasHh() != null) {
            K.addRowVector(p.biasHh().value(), nb, ng, a, a0);
        }
        final double[] m = projected ? cache.work : h;
        final int m0 = projected ? 0 : hCur;
        final int jv = S.loopBound(nh);
        for (int b = 0; b < nb; b++) {
            final int ab = a0 + b * ng;
            final int cb = b * nh;
            if (!active[b]) {
                K.zero(a, ab, ng);
                K.copy(c, cPrev + cb, c, cCur + cb, nh);
                if (projected) {
                    K.zero(m, m0 + cb, nh);
                } else {
                    K.copy(h, hPrev + b * nout, h, hCur + b * nout, nout);
                }
                continue;
            }
            for (int j = 0; j < jv; j += L) {
                forwardUnits(a, ab, nh, j, c, cPrev + cb, cCur + cb, m, m0 + cb, null);
            }
            if (jv < nh) {
                forwardUnits(a, ab, nh, jv, c, cPrev + cb, cCur + cb, m, m0 + cb, S.indexInRange(jv, nh));
            }
        }
        if (projected) {
            // h_t = m_t W_hrᵀ
            K.gemm(false, nb, nout, nh, m, 0, nh, cache.projectionT, false, h, hCur, nout);
            for (int b = 0; b < nb; b++) {
                if (!active[b]) {
                    K.copy(h, hPrev + b * nout, h, hCur + b * nout, nout);
                }
            }
        }
    }

    /** Units {@code [j, j+L)} of one row (masked at the end of the row). */
    private static void forwardUnits(double[] a, int ab, int nh, int j, double[] c, int cp, int cc,
                                     double[] m, int mb, VectorMask<Double> mask) {
        final int oi = ab + LstmGate.INPUT.offset(nh) + j;
        final int of = ab + LstmGate.FORGET.offset(nh) + j;
        final int og = ab + LstmGate.CELL.offset(nh) + j;
        final int oo = ab + LstmGate.OUTPUT.offset(nh) + j;
        // i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
        final DoubleVector i = DoubleLanes.sigmoid(DoubleLanes.load(a, oi, mask));
        final DoubleVector f = DoubleLanes.sigmoid(DoubleLanes.load(a, of, mask));
        final DoubleVector g = DoubleLanes.tanh(DoubleLanes.load(a, og, mask));
        final DoubleVector o = DoubleLanes.sigmoid(DoubleLanes.load(a, oo, mask));
        DoubleLanes.store(i, a, oi, mask);
        DoubleLanes.store(f, a, of, mask);
        DoubleLanes.store(g, a, og, mask);
        DoubleLanes.store(o, a, oo, mask);
        // c_t = f ⊙ c_{t-1} + i ⊙ g
        final DoubleVector ct = f.mul(DoubleLanes.load(c, cp + j, mask)).add(i.mul(g));
        DoubleLanes.store(ct, c, cc + j, mask);
        // m_t = o ⊙ tanh(c_t)
        DoubleLanes.store(o.mul(DoubleLanes.tanh(ct)), m, mb + j, mask);
    }

    @Override
    public void backward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        final Kernels<double[]> K = cache.kernels;
        final int nb = cache.batch;
        final int nh = cache.hidden;
        final int nout = cache.hiddenOut;
        final int ng = 4 * nh;
        final int oo = LstmGate.OUTPUT.offset(nh);
        final double[] a = cache.gateValues;
        final double[] da = cache.gateGrads;
        final double[] c = cache.cells;
        final double[] dh = cache.dh;
        final double[] dc = cache.dc;
        final double[] dhPrev = cache.dhPrev;
        final int a0 = cache.gateOffset(t);
        final int cPrev = cache.cellOffset(prev);
        final int cCur = cache.cellOffset(cur);
        final boolean projected = p.weightHr() != null;
        final int jv = S.loopBound(nh);

        // undo h_t = m_t W_hrᵀ: dW_hr += dhᵀ m_t, dm = dh W_hr
        final double[] dm;
        final int dm0;
        if (projected) {
            final double[] m = cache.backWork;
            for (int b = 0; b < nb; b++) {
                final int ab = a0 + b * ng;
                final int cb = b * nh;
                for (int j = 0; j < nh; j++) {
                    m[cb + j] = active[b] ? a[ab + oo + j] * (double) Math.tanh(c[cCur + cb + j]) : 0;
                }
            }
            K.gemm(true, false, nout, nh, nb, dh, 0, nout, m, 0, nh, true, p.weightHr().grad(), 0, nh);
            dm = cache.backWork;
            dm0 = nb * nh;
            K.gemm(false, nb, nh, nout, dh, 0, nout, cache.projection, false, dm, dm0, nh);
        } else {
            dm = dh;
            dm0 = 0;
        }
        for (int b = 0; b < nb; b++) {
            final int ab = a0 + b * ng;
            final int cb = b * nh;
            if (!active[b]) {
                K.zero(da, ab, ng);
                K.copy(dh, b * nout, dhPrev, b * nout, nout);
                continue;
            }
            K.zero(dhPrev, b * nout, nout);
            for (int j = 0; j < jv; j += L) {
                backwardUnits(a, da, ab, nh, j, c, cPrev + cb, cCur + cb, dm, dm0 + cb, dc, cb, null);
            }
            if (jv < nh) {
                backwardUnits(a, da, ab, nh, jv, c, cPrev + cb, cCur + cb, dm, dm0 + cb, dc, cb, S.indexInRange(jv, nh));
            }
        }
        // a = … + W_hh h_{t-1}:  dh_{t-1} += da W_hh
        K.gemm(false, nb, nout, ng, da, a0, ng, cache.recurrent, true, dhPrev, 0, nout);
    }

    /** Undoes {@link #forwardUnits} for units {@code [j, j+L)} of one row. */
    private static void backwardUnits(double[] a, double[] da, int ab, int nh, int j, double[] c, int cp, int cc,
                                      double[] dm, int dmb, double[] dc, int dcb, VectorMask<Double> mask) {
        final int oi = ab + LstmGate.INPUT.offset(nh) + j;
        final int of = ab + LstmGate.FORGET.offset(nh) + j;
        final int og = ab + LstmGate.CELL.offset(nh) + j;
        final int oo = ab + LstmGate.OUTPUT.offset(nh) + j;
        final DoubleVector i = DoubleLanes.load(a, oi, mask);
        final DoubleVector f = DoubleLanes.load(a, of, mask);
        final DoubleVector g = DoubleLanes.load(a, og, mask);
        final DoubleVector o = DoubleLanes.load(a, oo, mask);
        final DoubleVector tc = DoubleLanes.tanh(DoubleLanes.load(c, cc + j, mask));
        final DoubleVector one = DoubleLanes.ones();
        // m_t = o ⊙ tanh(c_t)
        final DoubleVector dmj = DoubleLanes.load(dm, dmb + j, mask);
        final DoubleVector dO = dmj.mul(tc);
        final DoubleVector dct = DoubleLanes.load(dc, dcb + j, mask).add(dmj.mul(o).mul(one.sub(tc.mul(tc))));
        // c_t = f ⊙ c_{t-1} + i ⊙ g
        final DoubleVector dI = dct.mul(g);
        final DoubleVector dG = dct.mul(i);
        final DoubleVector dF = dct.mul(DoubleLanes.load(c, cp + j, mask));
        DoubleLanes.store(dct.mul(f), dc, dcb + j, mask);
        // i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
        DoubleLanes.store(dI.mul(i).mul(one.sub(i)), da, oi, mask);
        DoubleLanes.store(dF.mul(f).mul(one.sub(f)), da, of, mask);
        DoubleLanes.store(dG.mul(one.sub(g.mul(g))), da, og, mask);
        DoubleLanes.store(dO.mul(o).mul(one.sub(o)), da, oo, mask);
    }
}
