package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;

/**
 * One LSTM step in float64 (the float32 twin {@code FloatLstmCell} is generated from this file).
 *
 * <pre>
 * a   = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh          [B, 4H], blocks in {@link LstmGate} order
 * i   = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
 * c_t = f ⊙ c_{t-1} + i ⊙ g
 * m_t = o ⊙ tanh(c_t)
 * h_t = m_t, or W_hr m_t with a projection              [B, Hout]
 * </pre>
 *
 * <p>Stateless and thread-safe: a step writes only the cache and arrays it is given.
 */
public final class DoubleLstmCell implements Cell<double[]> {

    /** The single instance; the cell holds no state. */
    public static final DoubleLstmCell INSTANCE = new DoubleLstmCell();


    private DoubleLstmCell() {
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
            for (int j = 0; j < nh; j++) {
                // i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
                final double i = sigmoid(a[ab + oi + j]);
                final double f = sigmoid(a[ab + of + j]);
                final double g = tanh(a[ab + og + j]);
                final double o = sigmoid(a[ab + oo + j]);
                a[ab + oi + j] = i;
                a[ab + of + j] = f;
                a[ab + og + j] = g;
                a[ab + oo + j] = o;
                // c_t = f ⊙ c_{t-1} + i ⊙ g
                final double ct = f * c[cPrev + cb + j] + i * g;
                c[cCur + cb + j] = ct;
                // m_t = o ⊙ tanh(c_t)
                m[m0 + cb + j] = o * tanh(ct);
            }
        }
        if (projected) {
            // h_t = m_t W_hrᵀ
            final int np = nout;
            K.gemm(false, nb, np, nh, m, 0, nh, cache.projectionT, false, h, hCur, np);
            for (int b = 0; b < nb; b++) {
                if (!active[b]) {
                    K.copy(h, hPrev + b * np, h, hCur + b * np, np);
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

        // undo h_t = m_t W_hrᵀ: dW_hr += dhᵀ m_t, dm = dh W_hr
        final double[] dm;
        final int dm0;
        if (projected) {
            final double[] m = cache.backWork;
            final int np = nout;
            for (int b = 0; b < nb; b++) {
                final int ab = a0 + b * ng;
                final int cb = b * nh;
                for (int j = 0; j < nh; j++) {
                    m[cb + j] = active[b] ? a[ab + oo + j] * tanh(c[cCur + cb + j]) : 0;
                }
            }
            K.gemm(true, false, np, nh, nb, dh, 0, np, m, 0, nh, true, p.weightHr().grad(), 0, nh);
            dm = cache.backWork;
            dm0 = nb * nh;
            K.gemm(false, nb, nh, np, dh, 0, np, cache.projection, false, dm, dm0, nh);
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
            for (int j = 0; j < nh; j++) {
                final double i = a[ab + oi + j];
                final double f = a[ab + of + j];
                final double g = a[ab + og + j];
                final double o = a[ab + oo + j];
                final double tc = tanh(c[cCur + cb + j]);
                // m_t = o ⊙ tanh(c_t)
                final double dmj = dm[dm0 + cb + j];
                final double dO = dmj * tc;
                final double dct = dc[cb + j] + dmj * o * (1 - tc * tc);
                // c_t = f ⊙ c_{t-1} + i ⊙ g
                final double dI = dct * g;
                final double dG = dct * i;
                final double dF = dct * c[cPrev + cb + j];
                dc[cb + j] = dct * f;
                // i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
                da[ab + oi + j] = dI * i * (1 - i);
                da[ab + of + j] = dF * f * (1 - f);
                da[ab + og + j] = dG * (1 - g * g);
                da[ab + oo + j] = dO * o * (1 - o);
            }
        }
        // a = … + W_hh h_{t-1}:  dh_{t-1} += da W_hh
        K.gemm(false, nb, nout, ng, da, a0, ng, cache.recurrent, true, dhPrev, 0, nout);
    }

    private static double sigmoid(double x) {
        return (double) (1 / (1 + Math.exp(-x)));
    }

    private static double tanh(double x) {
        return (double) Math.tanh(x);
    }
}
