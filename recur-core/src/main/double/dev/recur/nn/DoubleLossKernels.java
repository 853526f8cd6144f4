package dev.recur.nn;

/**
 * The loss arithmetic in float64 (the float32 twin {@code FloatLossKernels} is generated from this
 * file; see recur-core's pom.xml). The sums that form the returned loss are accumulated in 64-bit
 * floating point in both precisions; everything else is computed in the array's precision.
 */
final class DoubleLossKernels implements LossKernels<double[]> {

    /** The single instance; the kernels hold no state. */
    static final DoubleLossKernels INSTANCE = new DoubleLossKernels();

    private DoubleLossKernels() {
    }

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
            double m = z[zr];
            for (int j = 1; j < vocab; j++) {
                m = Math.max(m, z[zr + j]);
            }
            double s = 0;
            for (int j = 0; j < vocab; j++) {
                final double e = (double) Math.exp(z[zr + j] - m);
                if (dz != null) {
                    dz[zr + j] = e;   // kept for the gradient below
                }
                s += e;
            }
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

    @Override
    public double/*keep*/ squaredError(double[] p, double[] y, int n, double/*keep*/ gradScale, double[] dp) {
        double/*keep*/ total = 0;
        final double scale = (double) (2 * gradScale);
        for (int i = 0; i < n; i++) {
            // loss += (p − y)²
            final double e = p[i] - y[i];
            total += (double/*keep*/) e * e;
            if (dp != null) {
                // d/dp = 2·(p − y)·gradScale
                dp[i] = scale * e;
            }
        }
        return total;
    }
}
