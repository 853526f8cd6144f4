package dev.recur.nn.recurrent;

import dev.recur.tensor.Kernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;

/**
 * The Elman RNN step of {@link DoubleElmanCell}, vectorised over the hidden units with the Java
 * Vector API (the float32 twin {@code FloatVectorElmanCell} is generated from this file).
 * {@link DoubleElmanCell} is the plain reference it is tested against.
 */
public final class DoubleVectorElmanCell implements Cell<double[]> {

    /** The tanh cell. */
    public static final DoubleVectorElmanCell TANH = new DoubleVectorElmanCell(false);
    /** The relu cell. */
    public static final DoubleVectorElmanCell RELU = new DoubleVectorElmanCell(true);

    private static final int L = DoubleLanes.L;

    private final boolean relu;

    private DoubleVectorElmanCell(boolean relu) {
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
            for (int j = 0; j < nh; j += L) {
                final VectorMask<Double> mask = DoubleLanes.tail(j, nh);
                // h_t = φ(a)
                final DoubleVector v = DoubleLanes.load(a, a0 + hb + j, mask);
                final DoubleVector ht = relu ? v.max(0.0) : DoubleLanes.tanh(v);
                DoubleLanes.store(ht, a, a0 + hb + j, mask);
                DoubleLanes.store(ht, h, hCur + hb + j, mask);
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
            for (int j = 0; j < nh; j += L) {
                final VectorMask<Double> mask = DoubleLanes.tail(j, nh);
                // h_t = φ(a):  da = dh ⊙ φ'(a)
                final DoubleVector ht = DoubleLanes.load(a, a0 + hb + j, mask);
                final DoubleVector dhj = DoubleLanes.load(dh, hb + j, mask);
                final DoubleVector dA = relu
                        ? dhj.blend(0.0, ht.compare(jdk.incubator.vector.VectorOperators.LE, 0.0))
                        : dhj.mul(DoubleLanes.ones().sub(ht.mul(ht)));
                DoubleLanes.store(dA, da, a0 + hb + j, mask);
            }
        }
        // a = … + W_hh h_{t-1}:  dh_{t-1} += da W_hh
        K.gemm(false, nb, nh, nh, da, a0, nh, cache.recurrent, true, dhPrev, 0, nh);
    }
}
