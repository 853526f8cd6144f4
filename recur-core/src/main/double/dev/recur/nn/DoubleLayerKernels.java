package dev.recur.nn;

/**
 * The arithmetic of pooling, layer normalisation and elementwise activations in float64 (the
 * float32 twin {@code FloatLayerKernels} is generated from this file; see recur-core's pom.xml).
 * Everything is computed in the array's precision. Loops run over steps, then sequences, then
 * features, so that rows are read in memory order.
 */
final class DoubleLayerKernels implements LayerKernels<double[]> {

    /** The single instance; the kernels hold no state. */
    static final DoubleLayerKernels INSTANCE = new DoubleLayerKernels();

    private DoubleLayerKernels() {
    }

    private static int length(int[] lengths, int steps, int b) {
        return lengths == null ? steps : lengths[b];
    }

    @Override
    public void meanPool(double[] x, int steps, int batch, int width, int[] lengths, double[] y) {
        java.util.Arrays.fill(y, 0, batch * width, 0);
        // y[b] = Σ_{t<len} x[t, b]
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t < length(lengths, steps, b)) {
                    final int xr = (t * batch + b) * width;
                    final int yr = b * width;
                    for (int j = 0; j < width; j++) {
                        y[yr + j] += x[xr + j];
                    }
                }
            }
        }
        // y[b] /= len
        for (int b = 0; b < batch; b++) {
            final double len = length(lengths, steps, b);
            final int yr = b * width;
            for (int j = 0; j < width; j++) {
                y[yr + j] /= len;
            }
        }
    }

    @Override
    public void meanPoolBackward(double[] dy, int steps, int batch, int width, int[] lengths, double[] dx) {
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                final int len = length(lengths, steps, b);
                final int xr = (t * batch + b) * width;
                final int yr = b * width;
                if (t < len) {
                    // y = Σ_{t<len} x[t] / len:  dx[t] = dy / len
                    final double n = len;
                    for (int j = 0; j < width; j++) {
                        dx[xr + j] = dy[yr + j] / n;
                    }
                } else {
                    java.util.Arrays.fill(dx, xr, xr + width, 0);
                }
            }
        }
    }

    @Override
    public void maxPool(double[] x, int steps, int batch, int width, int[] lengths, double[] y, int[] argmax) {
        // y[b, j] = x[0, b, j] to start; every sequence has at least one step
        System.arraycopy(x, 0, y, 0, batch * width);
        java.util.Arrays.fill(argmax, 0, batch * width, 0);
        // y[b, j] = max_{t<len} x[t, b, j]: a later step replaces only a strictly larger value, or a number by NaN
        for (int t = 1; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t < length(lengths, steps, b)) {
                    final int xr = (t * batch + b) * width;
                    final int yr = b * width;
                    for (int j = 0; j < width; j++) {
                        final double v = x[xr + j];
                        final double m = y[yr + j];
                        if (v > m || (v != v && m == m)) {
                            y[yr + j] = v;
                            argmax[yr + j] = t;
                        }
                    }
                }
            }
        }
    }

    @Override
    public void maxPoolBackward(double[] dy, int[] argmax, int steps, int batch, int width, double[] dx) {
        java.util.Arrays.fill(dx, 0, steps * batch * width, 0);
        // y[b, j] = x[argmax, b, j]:  dx[argmax, b, j] = dy[b, j]
        for (int b = 0; b < batch; b++) {
            final int yr = b * width;
            for (int j = 0; j < width; j++) {
                dx[(argmax[yr + j] * batch + b) * width + j] = dy[yr + j];
            }
        }
    }

    @Override
    public void attentionWeights(double[] u, double[] q, int steps, int batch, int size, int[] lengths,
                                 double[] alpha) {
        // s[t, b] = u[t, b] · q  (kept in alpha until the softmax below); 0 on padding
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                final int r = t * batch + b;
                double s = 0;
                if (t < length(lengths, steps, b)) {
                    final int ur = r * size;
                    for (int a = 0; a < size; a++) {
                        s += u[ur + a] * q[a];
                    }
                }
                alpha[r] = s;
            }
        }
        for (int b = 0; b < batch; b++) {
            final int len = length(lengths, steps, b);
            // α[t] = exp(s[t] − m) / Σ_{t'<len} exp(s[t'] − m),  m = max_{t<len} s[t]  (no exp overflows)
            double m = alpha[b];
            for (int t = 1; t < len; t++) {
                m = Math.max(m, alpha[t * batch + b]);
            }
            double z = 0;
            for (int t = 0; t < len; t++) {
                final double e = (double) Math.exp(alpha[t * batch + b] - m);
                alpha[t * batch + b] = e;
                z += e;
            }
            for (int t = 0; t < len; t++) {
                alpha[t * batch + b] /= z;
            }
        }
    }

    @Override
    public void attentionWeightsBackward(double[] u, double[] q, double[] alpha, double[] dAlpha, int steps,
                                         int batch, int size, int[] lengths, double[] du, double[] dq) {
        for (int b = 0; b < batch; b++) {
            final int len = length(lengths, steps, b);
            // α = softmax(s):  ds[t] = α[t]·(dα[t] − Σ_{t'<len} α[t'] dα[t'])
            double dot = 0;
            for (int t = 0; t < len; t++) {
                dot += alpha[t * batch + b] * dAlpha[t * batch + b];
            }
            for (int t = 0; t < steps; t++) {
                final int r = t * batch + b;
                final int ur = r * size;
                if (t < len) {
                    final double ds = alpha[r] * (dAlpha[r] - dot);
                    // s = u · q:  du[t] = ds[t]·q,  dq += ds[t]·u[t]
                    for (int a = 0; a < size; a++) {
                        du[ur + a] = ds * q[a];
                        dq[a] += ds * u[ur + a];
                    }
                } else {
                    java.util.Arrays.fill(du, ur, ur + size, 0);
                }
            }
        }
    }

    @Override
    public void weightedSum(double[] alpha, double[] x, int steps, int batch, int width, int[] lengths,
                            double[] y) {
        java.util.Arrays.fill(y, 0, batch * width, 0);
        // y[b] = Σ_{t<len} α[t, b]·x[t, b]
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                if (t < length(lengths, steps, b)) {
                    final int r = t * batch + b;
                    final double w = alpha[r];
                    final int xr = r * width;
                    final int yr = b * width;
                    for (int j = 0; j < width; j++) {
                        y[yr + j] += w * x[xr + j];
                    }
                }
            }
        }
    }

    @Override
    public void weightedSumBackward(double[] alpha, double[] x, double[] dy, int steps, int batch, int width,
                                    int[] lengths, double[] dAlpha, double[] dx) {
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < batch; b++) {
                final int r = t * batch + b;
                final int xr = r * width;
                if (t < length(lengths, steps, b)) {
                    // y = Σ_t α[t]·x[t]:  dα[t] = dy · x[t],  dx[t] = α[t]·dy
                    final int yr = b * width;
                    final double w = alpha[r];
                    double d = 0;
                    for (int j = 0; j < width; j++) {
                        d += dy[yr + j] * x[xr + j];
                        dx[xr + j] = w * dy[yr + j];
                    }
                    dAlpha[r] = d;
                } else {
                    dAlpha[r] = 0;
                    java.util.Arrays.fill(dx, xr, xr + width, 0);
                }
            }
        }
    }

    @Override
    public void layerNorm(double[] x, int rows, int width, double/*keep*/ eps, double[] weight, double[] bias,
                          double[] xhat, double[] rstd, double[] y) {
        final double e = (double) eps;
        final double n = width;
        for (int r = 0; r < rows; r++) {
            final int o = r * width;
            // μ = Σ_j x_j / F
            double sum = 0;
            for (int j = 0; j < width; j++) {
                sum += x[o + j];
            }
            final double mean = sum / n;
            // σ² = Σ_j (x_j − μ)² / F  (biased)
            double sq = 0;
            for (int j = 0; j < width; j++) {
                final double c = x[o + j] - mean;
                sq += c * c;
            }
            // rstd = 1 / sqrt(σ² + eps)
            final double s = 1 / (double) Math.sqrt(sq / n + e);
            rstd[r] = s;
            for (int j = 0; j < width; j++) {
                // x̂ = (x − μ)·rstd
                final double h = (x[o + j] - mean) * s;
                xhat[o + j] = h;
                // y = x̂·weight + bias
                y[o + j] = weight == null ? h : h * weight[j] + bias[j];
            }
        }
    }

    @Override
    public void layerNormBackward(double[] xhat, double[] rstd, double[] dy, int rows, int width, double[] weight,
                                  double[] dWeight, double[] dBias, double[] dx) {
        final double n = width;
        for (int r = 0; r < rows; r++) {
            final int o = r * width;
            // y = x̂·weight + bias:  dweight += dy·x̂,  dbias += dy,  g = dy·weight
            double sumG = 0;
            double sumGh = 0;
            for (int j = 0; j < width; j++) {
                final double d = dy[o + j];
                final double h = xhat[o + j];
                if (weight != null) {
                    dWeight[j] += d * h;
                    dBias[j] += d;
                }
                final double g = weight == null ? d : d * weight[j];
                sumG += g;
                sumGh += g * h;
            }
            // x̂ = (x − μ)·rstd, μ and σ² of the row:  dx = rstd·(g − mean(g) − x̂·mean(g·x̂))
            final double meanG = sumG / n;
            final double meanGh = sumGh / n;
            final double s = rstd[r];
            for (int j = 0; j < width; j++) {
                final double g = weight == null ? dy[o + j] : dy[o + j] * weight[j];
                dx[o + j] = s * (g - meanG - xhat[o + j] * meanGh);
            }
        }
    }

    @Override
    public void activate(Activation.Kind kind, double[] x, int n, double[] y) {
        switch (kind) {
            case TANH -> {
                // y = tanh(x)
                for (int i = 0; i < n; i++) {
                    y[i] = (double) Math.tanh(x[i]);
                }
            }
            case RELU -> {
                // y = max(x, 0)  (NaN stays NaN)
                for (int i = 0; i < n; i++) {
                    y[i] = Math.max(x[i], 0);
                }
            }
            case SIGMOID -> {
                // y = 1 / (1 + e^{−x})
                for (int i = 0; i < n; i++) {
                    y[i] = 1 / (1 + (double) Math.exp(-x[i]));
                }
            }
        }
    }

    @Override
    public void activateBackward(Activation.Kind kind, double[] y, double[] dy, int n, double[] dx) {
        switch (kind) {
            case TANH -> {
                // y = tanh(x):  dx = dy·(1 − y²)
                for (int i = 0; i < n; i++) {
                    dx[i] = dy[i] * (1 - y[i] * y[i]);
                }
            }
            case RELU -> {
                // y = max(x, 0):  dx = dy·[y > 0]  (0 at x = 0, as PyTorch)
                for (int i = 0; i < n; i++) {
                    dx[i] = y[i] > 0 ? dy[i] : 0;
                }
            }
            case SIGMOID -> {
                // y = 1 / (1 + e^{−x}):  dx = dy·y·(1 − y)
                for (int i = 0; i < n; i++) {
                    dx[i] = dy[i] * y[i] * (1 - y[i]);
                }
            }
        }
    }
}
