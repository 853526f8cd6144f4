package dev.recur.nn.loss;

import dev.recur.tensor.Precision;

/**
 * The loss arithmetic of {@link dev.recur.nn.loss} in float64 (the float32 twin
 * {@code FloatLossKernels} is generated from this file; see recur-core's pom.xml). The sums that
 * form a returned loss are accumulated in 64-bit floating point in both precisions; everything else
 * is computed in the array's precision. Each method modifies only the rows of its gradient output
 * that it is given.
 */
final class DoubleLossKernels implements LossKernels<double[]> {

    /** The single instance; the kernels hold no state. */
    static final DoubleLossKernels INSTANCE = new DoubleLossKernels();

    /** float32: whether {@code ExpSumF32} (Vector API) can run; without the module the plain loop. */
    private static final boolean VECTOR = Precision.vectorAvailable();

    private DoubleLossKernels() {
    }

    // The operations of earlier versions' cross-entropy, one for one: the character language
    // model's loss, and so every resumed run, must stay bit-identical.
    @Override
    public double/*keep*/ softmaxCrossEntropy(double[] z, int r0, int r1, int vocab, int[] targets,
                                              double/*keep*/[] weights, double/*keep*/ gradScale, double[] dz) {
        double/*keep*/ total = 0;
        for (int r = r0; r < r1; r++) {
            final int zr = r * vocab;
            final double/*keep*/ w = weights == null ? 1 : weights[r];
            if (w == 0) {
                if (dz != null) {
                    java.util.Arrays.fill(dz, zr, zr + vocab, 0);
                }
                continue;
            }
            final int t = targets[r];
            // lse = m + log Σ_j exp(z_j − m),  m = max_j z_j  (no exp overflows)
            final double m = rowMax(z, zr, vocab);
            // exp(z_j − m) kept in dz for the gradient below (float32: the same bits, computed in vectors)
            final double s = expSum/*f32:VECTOR ? ExpSumF32.expSum(z, zr, vocab, m, dz) : expSum*/(z, zr, vocab, m, dz);
            final double lse = m + (double) Math.log(s);
            // loss_r = lse − z_t
            total += w * (double/*keep*/) (lse - z[zr + t]);
            if (dz != null) {
                // dloss_r/dz_j = softmax_j − [j == t] = exp(z_j − m) / s − [j == t], times w·gradScale
                final double scale = (double) (w * gradScale);
                final double inv = 1 / s;
                for (int j = 0; j < vocab; j++) {
                    dz[zr + j] = dz[zr + j] * inv * scale;
                }
                dz[zr + t] -= scale;
            }
        }
        return total;
    }

    /*
     * Label smoothing with class weights (PyTorch's cross_entropy with label_smoothing = ε):
     * with p = log_softmax(z), s = softmax(z), C classes, class weights w_c (1 without weights),
     * W = Σ_c w_c and target t,
     *
     *   l = −(1−ε)·w_t·p_t − (ε/C)·Σ_c w_c·p_c.
     *
     * Since p_c = z_c − lse(z) and d lse/dz_j = s_j, dp_c/dz_j = δ_cj − s_j. Hence
     *
     *   d(−p_t)/dz_j          = s_j − δ_jt,
     *   d(−Σ_c w_c p_c)/dz_j  = −Σ_c w_c (δ_cj − s_j) = W·s_j − w_j,
     *
     * and dl/dz_j = (1−ε)·w_t·(s_j − δ_jt) + (ε/C)·(W·s_j − w_j)
     *             = ((1−ε)·w_t + (ε/C)·W)·s_j − (ε/C)·w_j − (1−ε)·w_t·δ_jt,
     * the form computed below (times gradScale).
     */
    @Override
    public double/*keep*/ smoothedCrossEntropy(double[] z, int r0, int r1, int vocab, int[] targets,
                                               boolean[] counted, double/*keep*/[] classWeights,
                                               double/*keep*/ smoothing, double/*keep*/ gradScale, double[] dz) {
        // ε/C and W = Σ_c w_c (C without class weights)
        final double/*keep*/ perClass = smoothing / vocab;
        double/*keep*/ wAll = classWeights == null ? vocab : 0;
        if (classWeights != null) {
            for (int c = 0; c < vocab; c++) {
                wAll += classWeights[c];
            }
        }
        final double b = (double) (perClass * gradScale);
        double/*keep*/ total = 0;
        for (int r = r0; r < r1; r++) {
            final int zr = r * vocab;
            if (counted != null && !counted[r]) {
                if (dz != null) {
                    java.util.Arrays.fill(dz, zr, zr + vocab, 0);
                }
                continue;
            }
            final int t = targets[r];
            final double/*keep*/ wt = classWeights == null ? 1 : classWeights[t];
            // lse = m + log Σ_j exp(z_j − m),  m = max_j z_j  (no exp overflows)
            final double m = rowMax(z, zr, vocab);
            // exp(z_j − m) kept in dz for the gradient below (float32: the same bits, computed in vectors)
            final double s = expSum/*f32:VECTOR ? ExpSumF32.expSum(z, zr, vocab, m, dz) : expSum*/(z, zr, vocab, m, dz);
            final double lse = m + (double) Math.log(s);
            // Σ_c w_c·p_c,  p_c = z_c − lse
            double/*keep*/ smooth = 0;
            for (int c = 0; c < vocab; c++) {
                final double/*keep*/ wc = classWeights == null ? 1 : classWeights[c];
                smooth += wc * (double/*keep*/) (z[zr + c] - lse);
            }
            // l_r = −(1−ε)·w_t·p_t − (ε/C)·Σ_c w_c·p_c
            total += -(1 - smoothing) * wt * (double/*keep*/) (z[zr + t] - lse) - perClass * smooth;
            if (dz != null) {
                // dl_r/dz_j = ((1−ε)·w_t + (ε/C)·W)·s_j − (ε/C)·w_j − (1−ε)·w_t·δ_jt, times gradScale
                final double a = (double) ((1 - smoothing) * wt * gradScale);
                final double sScale = (double) (((1 - smoothing) * wt + perClass * wAll) * gradScale);
                final double inv = 1 / s;
                for (int j = 0; j < vocab; j++) {
                    final double wj = classWeights == null ? 1 : (double) classWeights[j];
                    dz[zr + j] = dz[zr + j] * inv * sScale - b * wj;
                }
                dz[zr + t] -= a;
            }
        }
        return total;
    }

    @Override
    public double/*keep*/ binaryCrossEntropy(double[] z, double[] y, int rows, int width, boolean[] counted,
                                             double/*keep*/[] posWeight, double/*keep*/ gradScale, double[] dz) {
        double/*keep*/ total = 0;
        final double scale = (double) gradScale;
        for (int r = 0; r < rows; r++) {
            final int o = r * width;
            if (counted != null && !counted[r]) {
                if (dz != null) {
                    java.util.Arrays.fill(dz, o, o + width, 0);
                }
                continue;
            }
            for (int c = 0; c < width; c++) {
                final double zi = z[o + c];
                final double yi = y[o + c];
                final double pw = posWeight == null ? 1 : (double) posWeight[c];
                // L = 1 + (pw − 1)·y: the weight of the positive term (1 without pos_weight)
                final double lw = 1 + (pw - 1) * yi;
                // softplus(−z) = log(1 + exp(−z)) = max(−z, 0) + log1p(exp(−|z|))  (no exp overflows)
                final double sp = Math.max(-zi, 0) + (double) Math.log1p(Math.exp(-Math.abs(zi)));
                // l = (1 − y)·z + L·softplus(−z)
                total += (double/*keep*/) ((1 - yi) * zi + lw * sp);
                if (dz != null) {
                    // σ(z) = 1 / (1 + exp(−z)) for z >= 0, exp(z) / (1 + exp(z)) otherwise
                    final double sig;
                    if (zi >= 0) {
                        sig = 1 / (1 + (double) Math.exp(-zi));
                    } else {
                        final double e = (double) Math.exp(zi);
                        sig = e / (1 + e);
                    }
                    // dl/dz = (1 − y) − L·σ(−z) = L·σ(z) − pw·y
                    dz[o + c] = scale * (lw * sig - pw * yi);
                }
            }
        }
        return total;
    }

    @Override
    public double/*keep*/ squaredError(double[] p, double[] y, int rows, int width, boolean[] counted,
                                       double/*keep*/ gradScale, double[] dp) {
        // the arithmetic of earlier versions' squared error (Losses.meanSquaredError), element for element
        double/*keep*/ total = 0;
        final double scale = (double) (2 * gradScale);
        for (int r = 0; r < rows; r++) {
            final int o = r * width;
            if (counted != null && !counted[r]) {
                if (dp != null) {
                    java.util.Arrays.fill(dp, o, o + width, 0);
                }
                continue;
            }
            for (int i = o; i < o + width; i++) {
                // loss += (p − y)²
                final double e = p[i] - y[i];
                total += (double/*keep*/) e * e;
                if (dp != null) {
                    // d/dp = 2·(p − y)·gradScale
                    dp[i] = scale * e;
                }
            }
        }
        return total;
    }

    @Override
    public double/*keep*/ absoluteError(double[] p, double[] y, int rows, int width, boolean[] counted,
                                        double/*keep*/ gradScale, double[] dp) {
        double/*keep*/ total = 0;
        final double scale = (double) gradScale;
        for (int r = 0; r < rows; r++) {
            final int o = r * width;
            if (counted != null && !counted[r]) {
                if (dp != null) {
                    java.util.Arrays.fill(dp, o, o + width, 0);
                }
                continue;
            }
            for (int i = o; i < o + width; i++) {
                // loss += |p − y|
                final double e = p[i] - y[i];
                total += (double/*keep*/) Math.abs(e);
                if (dp != null) {
                    // d/dp = sign(p − y)·gradScale  (0 at p == y, as PyTorch)
                    dp[i] = e > 0 ? scale : e < 0 ? -scale : 0;
                }
            }
        }
        return total;
    }

    @Override
    public double/*keep*/ huberError(double[] p, double[] y, int rows, int width, boolean[] counted,
                                     double/*keep*/ delta, double/*keep*/ gradScale, double[] dp) {
        double/*keep*/ total = 0;
        final double scale = (double) gradScale;
        final double d = (double) delta;
        for (int r = 0; r < rows; r++) {
            final int o = r * width;
            if (counted != null && !counted[r]) {
                if (dp != null) {
                    java.util.Arrays.fill(dp, o, o + width, 0);
                }
                continue;
            }
            for (int i = o; i < o + width; i++) {
                final double e = p[i] - y[i];
                final double ae = Math.abs(e);
                // loss += e²/2 for |e| < delta, else delta·(|e| − delta/2)
                total += (double/*keep*/) (ae < d ? 0.5 * e * e : d * (ae - 0.5 * d));
                if (dp != null) {
                    // d/dp = e for |e| <= delta, else delta·sign(e); times gradScale
                    dp[i] = scale * (e < -d ? -d : e > d ? d : e);
                }
            }
        }
        return total;
    }

    /**
     * {@code max_j z[o + j]} over {@code n} values, in four running maxima (four independent chains
     * of {@code Math.max} rather than one): exact in any order, with {@code Math.max}'s rules (NaN if
     * any is NaN, +0 above −0), so the same value as one loop in order.
     */
    static double rowMax(double[] z, int o, int n) {
        double m0 = z[o];
        double m1 = m0;
        double m2 = m0;
        double m3 = m0;
        int j = 1;
        for (; j + 4 <= n; j += 4) {
            m0 = Math.max(m0, z[o + j]);
            m1 = Math.max(m1, z[o + j + 1]);
            m2 = Math.max(m2, z[o + j + 2]);
            m3 = Math.max(m3, z[o + j + 3]);
        }
        for (; j < n; j++) {
            m0 = Math.max(m0, z[o + j]);
        }
        return Math.max(Math.max(m0, m1), Math.max(m2, m3));
    }

    /**
     * {@code Σ_j exp(z[o + j] − m)} in order; each term also written to {@code dz[o + j]} when it is
     * not null. The float32 kernels call {@code ExpSumF32.expSum} instead where the Vector API is
     * loaded, which equals this one's twin bit for bit (the tests compare them).
     */
    static double expSum(double[] z, int o, int n, double m, double[] dz) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            final double e = (double) Math.exp(z[o + j] - m);
            if (dz != null) {
                dz[o + j] = e;
            }
            s += e;
        }
        return s;
    }
}
