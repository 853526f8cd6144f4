package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The LSTM step of {@link DoubleLstmCell}, vectorised over the hidden units with the Java Vector
 * API: the same equations in the same order, a vector of units at a time, the last {@code H mod L}
 * units in scalar code (the float32 twin {@code FloatVectorLstmCell} is generated from this file).
 * {@link DoubleLstmCell} is the plain reference it is tested against.
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
        final int oi = LstmGate.INPUT.offset(nh);
        final int of = LstmGate.FORGET.offset(nh);
        final int og = LstmGate.CELL.offset(nh);
        final int oo = LstmGate.OUTPUT.offset(nh);
        final int nv = DoubleLanes.bound(nh);
        final double[] a = cache.gateValues;
        final double[] h = cache.states;
        final double[] c = cache.cells;
        final int a0 = cache.gateOffset(t);
        final int hPrev = cache.stateOffset(prev);
        final int hCur = cache.stateOffset(cur);
        final int cPrev = cache.cellOffset(prev);
        final int cCur = cache.cellOffset(cur);
        final boolean projected = p.weightHr() != null;

        // a += h_{t-1} W_hhᵀ + b_hh   (a already holds W_ih x_t + b_ih); the product goes to a
        // small scratch that stays in cache, then one sequential pass adds it to the gate rows
        final double[] rec = cache.work;
        K.gemm(false, nb, ng, nout, h, hPrev, nout, cache.recurrentT, false, rec, 0, ng);
        if (p.biasHh() != null) {
            K.addRowVector(p.biasHh().value(), nb, ng, rec, 0);
        }
        K.addInto(rec, 0, a, a0, nb * ng);
        // m_t goes straight into the state slot unless it is projected afterwards
        final double[] m = projected ? cache.projectionInput : h;
        final int m0 = projected ? 0 : hCur;
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
            // i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
            DoubleLanes.sigmoid(a, ab + oi, nh);
            DoubleLanes.sigmoid(a, ab + of, nh);
            DoubleLanes.tanh(a, ab + og, a, ab + og, nh);
            DoubleLanes.sigmoid(a, ab + oo, nh);
            // c_t = f ⊙ c_{t-1} + i ⊙ g
            for (int j = 0; j < nv; j += L) {
                final DoubleVector i = DoubleVector.fromArray(S, a, ab + oi + j);
                final DoubleVector f = DoubleVector.fromArray(S, a, ab + of + j);
                final DoubleVector g = DoubleVector.fromArray(S, a, ab + og + j);
                f.mul(DoubleVector.fromArray(S, c, cPrev + cb + j)).add(i.mul(g)).intoArray(c, cCur + cb + j);
            }
            for (int j = nv; j < nh; j++) {
                c[cCur + cb + j] = a[ab + of + j] * c[cPrev + cb + j] + a[ab + oi + j] * a[ab + og + j];
            }
            // m_t = o ⊙ tanh(c_t)
            DoubleLanes.tanh(c, cCur + cb, m, m0 + cb, nh);
            for (int j = 0; j < nv; j += L) {
                DoubleVector.fromArray(S, a, ab + oo + j).mul(DoubleVector.fromArray(S, m, m0 + cb + j))
                        .intoArray(m, m0 + cb + j);
            }
            for (int j = nv; j < nh; j++) {
                m[m0 + cb + j] = a[ab + oo + j] * m[m0 + cb + j];
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

    @Override
    public void backward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        final Kernels<double[]> K = cache.kernels;
        final int nb = cache.batch;
        final int nh = cache.hidden;
        final int nout = cache.hiddenOut;
        final int ng = 4 * nh;
        final int oi = LstmGate.INPUT.offset(nh);
        final int of = LstmGate.FORGET.offset(nh);
        final int og = LstmGate.CELL.offset(nh);
        final int oo = LstmGate.OUTPUT.offset(nh);
        final int nv = DoubleLanes.bound(nh);
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
        // tanh(c_t) of every row, recomputed rather than kept
        final double[] tc = cache.backWork;
        final int tc0 = 2 * nb * nh;
        DoubleLanes.tanh(c, cCur, tc, tc0, nb * nh);

        // undo h_t = m_t W_hrᵀ: dW_hr += dhᵀ m_t, dm = dh W_hr
        final double[] dm;
        final int dm0;
        if (projected) {
            final double[] m = cache.backWork;
            for (int b = 0; b < nb; b++) {
                final int ab = a0 + b * ng;
                final int cb = b * nh;
                for (int j = 0; j < nh; j++) {
                    m[cb + j] = active[b] ? a[ab + oo + j] * tc[tc0 + cb + j] : 0;
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
        final DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int b = 0; b < nb; b++) {
            final int ab = a0 + b * ng;
            final int cb = b * nh;
            if (!active[b]) {
                K.zero(da, ab, ng);
                K.copy(dh, b * nout, dhPrev, b * nout, nout);
                continue;
            }
            K.zero(dhPrev, b * nout, nout);
            for (int j = 0; j < nv; j += L) {
                final DoubleVector i = DoubleVector.fromArray(S, a, ab + oi + j);
                final DoubleVector f = DoubleVector.fromArray(S, a, ab + of + j);
                final DoubleVector g = DoubleVector.fromArray(S, a, ab + og + j);
                final DoubleVector o = DoubleVector.fromArray(S, a, ab + oo + j);
                final DoubleVector tcj = DoubleVector.fromArray(S, tc, tc0 + cb + j);
                // m_t = o ⊙ tanh(c_t)
                final DoubleVector dmj = DoubleVector.fromArray(S, dm, dm0 + cb + j);
                final DoubleVector dO = dmj.mul(tcj);
                final DoubleVector dct = DoubleVector.fromArray(S, dc, cb + j).add(dmj.mul(o).mul(one.sub(tcj.mul(tcj))));
                // c_t = f ⊙ c_{t-1} + i ⊙ g
                final DoubleVector dI = dct.mul(g);
                final DoubleVector dG = dct.mul(i);
                final DoubleVector dF = dct.mul(DoubleVector.fromArray(S, c, cPrev + cb + j));
                dct.mul(f).intoArray(dc, cb + j);
                // i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
                dI.mul(i).mul(one.sub(i)).intoArray(da, ab + oi + j);
                dF.mul(f).mul(one.sub(f)).intoArray(da, ab + of + j);
                dG.mul(one.sub(g.mul(g))).intoArray(da, ab + og + j);
                dO.mul(o).mul(one.sub(o)).intoArray(da, ab + oo + j);
            }
            for (int j = nv; j < nh; j++) {
                final double i = a[ab + oi + j];
                final double f = a[ab + of + j];
                final double g = a[ab + og + j];
                final double o = a[ab + oo + j];
                final double tcj = tc[tc0 + cb + j];
                final double dmj = dm[dm0 + cb + j];
                final double dO = dmj * tcj;
                final double dct = dc[cb + j] + dmj * o * (1 - tcj * tcj);
                final double dI = dct * g;
                final double dG = dct * i;
                final double dF = dct * c[cPrev + cb + j];
                dc[cb + j] = dct * f;
                da[ab + oi + j] = dI * i * (1 - i);
                da[ab + of + j] = dF * f * (1 - f);
                da[ab + og + j] = dG * (1 - g * g);
                da[ab + oo + j] = dO * o * (1 - o);
            }
        }
        // a = … + W_hh h_{t-1}:  dh_{t-1} += da W_hh
        K.gemm(false, nb, nout, ng, da, a0, ng, cache.recurrent, true, dhPrev, 0, nout);
    }
}
