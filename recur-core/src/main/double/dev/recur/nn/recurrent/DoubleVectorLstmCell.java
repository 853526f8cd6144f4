package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The LSTM step of {@link DoubleLstmCell}, vectorised over the hidden units with the Java Vector
 * API: the same equations in the same order, a vector of units at a time, the last {@code H mod L}
 * units in scalar code (the float32 twin {@code FloatVectorLstmCell} is generated from this file).
 * {@link DoubleLstmCell} is the plain reference it is tested against.
 *
 * <p>Stateless and thread-safe: a step writes only the cache and arrays it is given.
 */
public final class DoubleVectorLstmCell implements Cell<double[]>, RowSplit.Rows<double[]> {

    /** The single instance; the cell holds no state. */
    public static final DoubleVectorLstmCell INSTANCE = new DoubleVectorLstmCell();

    private static final VectorSpecies<Double> S = DoubleLanes.S;
    private static final int L = DoubleLanes.L;
    private static final int FORWARD = 0;
    private static final int TANH_C = 1;
    private static final int BACKWARD = 2;

    private DoubleVectorLstmCell() {
    }

    @Override
    public CellKind kind() {
        return CellKind.LSTM;
    }

    @Override
    public boolean foldsHiddenBias() {
        return true;
    }

    @Override
    public void forward(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur, boolean[] active) {
        final Kernels<double[]> K = cache.kernels;
        final int nb = cache.batch;
        final int nh = cache.hidden;
        final int nout = cache.hiddenOut;
        final double[] h = cache.states;
        final int hPrev = cache.stateOffset(prev);
        final int hCur = cache.stateOffset(cur);

        // each thread: its rows' recurrent product, then their gate nonlinearities and state update
        cache.rowSplit.run(this, FORWARD, p, cache, t, prev, cur, active);
        if (p.weightHr() != null) {
            // h_t = m_t W_hrᵀ
            K.gemm(false, nb, nout, nh, cache.projectionInput, 0, nh, cache.projectionT, false, h, hCur, nout);
            for (int b = 0; b < nb; b++) {
                if (!active[b]) {
                    K.copy(h, hPrev + b * nout, h, hCur + b * nout, nout);
                }
            }
        }
    }

    @Override
    public void rows(int phase, CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur,
                     boolean[] active, int b0, int b1) {
        if (phase == FORWARD) {
            forwardRows(p, cache, t, prev, cur, active, b0, b1);
        } else if (phase == TANH_C) {
            final int nh = cache.hidden;
            DoubleLanes.tanh(cache.cells, cache.cellOffset(cur) + b0 * nh, cache.backWork,
                    2 * cache.batch * nh + b0 * nh, (b1 - b0) * nh);
        } else {
            backwardRows(p, cache, t, prev, cur, active, b0, b1, cache.dh, cache.dhPrev);
        }
    }

    @Override
    public boolean runsRowRanges(CellParams<double[]> p) {
        // with a projection, forward ends each step with a product over the whole batch (h_t = m_t
        // W_hrᵀ), which forwardRange leaves out
        return p.weightHr() == null;
    }

    @Override
    public void forwardRange(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur,
                             boolean[] active, int b0, int b1) {
        requireNoProjection(p);
        forwardRows(p, cache, t, prev, cur, active, b0, b1);
    }

    /** The row-range steps leave out the projection's product over the whole batch: refused with one. */
    private static void requireNoProjection(CellParams<double[]> p) {
        if (p.weightHr() != null) {
            throw new IllegalStateException("an LSTM with a projection has no step over a range of rows: "
                    + "expected runsRowRanges to be checked first (it is false with a projection)");
        }
    }

    /**
     * The recurrent product, the gate nonlinearities and the state update of rows {@code [b0, b1)}:
     * the per-row part of {@link #forward} (with a projection it writes m_t, projected afterwards).
     */
    private static void forwardRows(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur,
                                    boolean[] active, int b0, int b1) {
        final Kernels<double[]> K = cache.rowKernels(b0, b1);
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
        // m_t goes straight into the state slot unless it is projected afterwards
        final double[] m = projected ? cache.projectionInput : h;
        final int m0 = projected ? 0 : hCur;
        // h_{t-1} W_hhᵀ, to be added to a (which already holds W_ih x_t + b_ih + b_hh, see
        // foldsHiddenBias): the product goes to a small scratch that stays in cache, and each row's
        // activations add it as they read a (accumulating straight into a measured no faster)
        final double[] rec = cache.work;
        K.gemm(false, b1 - b0, ng, nout, h, hPrev + b0 * nout, nout, cache.recurrentT, false, rec, b0 * ng, ng);
        for (int b = b0; b < b1; b++) {
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
            // a += h_{t-1} W_hhᵀ; i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), in one pass per gate
            final int rb = b * ng;
            DoubleLanes.sigmoidPlus(a, ab + oi, rec, rb + oi, nh);
            DoubleLanes.sigmoidPlus(a, ab + of, rec, rb + of, nh);
            DoubleLanes.tanhPlus(a, ab + og, rec, rb + og, nh);
            DoubleLanes.sigmoidPlus(a, ab + oo, rec, rb + oo, nh);
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
        final double[] dh = cache.dh;
        final int a0 = cache.gateOffset(t);
        final double[] tc = cache.backWork;
        final int tc0 = 2 * nb * nh;
        if (p.weightHr() != null) {
            // tanh(c_t) of every row, recomputed rather than kept; the projection's gradient below
            // needs all rows before the per-row pass (without a projection each row's pass does it)
            cache.rowSplit.run(this, TANH_C, p, cache, t, prev, cur, active);
            // undo h_t = m_t W_hrᵀ: dW_hr += dhᵀ m_t, dm = dh W_hr
            final double[] m = cache.backWork;
            for (int b = 0; b < nb; b++) {
                final int ab = a0 + b * ng;
                final int cb = b * nh;
                for (int j = 0; j < nh; j++) {
                    m[cb + j] = active[b] ? a[ab + oo + j] * tc[tc0 + cb + j] : 0;
                }
            }
            K.gemm(true, false, nout, nh, nb, dh, 0, nout, m, 0, nh, true, p.weightHr().grad(), 0, nh);
            K.gemm(false, nb, nh, nout, dh, 0, nout, cache.projection, false, cache.backWork, nb * nh, nh);
        }
        // each thread: its rows' gate gradients, then their dh_{t-1} += da W_hh
        cache.rowSplit.run(this, BACKWARD, p, cache, t, prev, cur, active);
    }

    @Override
    public void backwardRange(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur,
                              boolean[] active, int b0, int b1, double[] dh, double[] dhPrev) {
        requireNoProjection(p);
        backwardRows(p, cache, t, prev, cur, active, b0, b1, dh, dhPrev);
    }

    /** Undoes {@link #forwardRows} for rows {@code [b0, b1)}: gate gradients, dc and dh carried back. */
    private static void backwardRows(CellParams<double[]> p, CellCache<double[]> cache, int t, int prev, int cur,
                                     boolean[] active, int b0, int b1, double[] dh, double[] dhPrev) {
        final Kernels<double[]> K = cache.rowKernels(b0, b1);
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
        final double[] dc = cache.dc;
        final int a0 = cache.gateOffset(t);
        final int cPrev = cache.cellOffset(prev);
        final double[] tc = cache.backWork;
        final int tc0 = 2 * nb * nh;
        final boolean projected = p.weightHr() != null;
        final double[] dm = projected ? cache.backWork : dh;
        final int dm0 = projected ? nb * nh : 0;
        if (!projected) {
            // tanh(c_t) of these rows, recomputed rather than kept
            DoubleLanes.tanh(c, cache.cellOffset(cur) + b0 * nh, tc, tc0 + b0 * nh, (b1 - b0) * nh);
        }
        final DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int b = b0; b < b1; b++) {
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
        K.gemm(false, b1 - b0, nout, ng, da, a0 + b0 * ng, ng, cache.recurrent, true, dhPrev, b0 * nout, nout);
    }
}
