package dev.recur.nn;

import dev.recur.tensor.Precision;
import java.util.SplittableRandom;

/**
 * Weight initialisers. Each fills a parameter's value in place from a seeded generator, so the same
 * seed gives the same weights.
 *
 * <p>Stateless and thread-safe; each call writes only the parameter it fills and draws from the
 * generator it is given, which is not thread-safe.
 */
public final class Initializers {

    private Initializers() {
    }

    /** Fills {@code p} with draws from U(−bound, bound). Modifies {@code p.value()}. */
    public static <A> void uniform(Precision<A> precision, Parameter<A> p, double bound, SplittableRandom rng) {
        A v = p.value();
        for (int i = 0, n = p.size(); i < n; i++) {
            precision.set(v, i, (2 * rng.nextDouble() - 1) * bound);
        }
    }

    /** Fills {@code p} with draws from N(0, std²). Modifies {@code p.value()}. */
    public static <A> void normal(Precision<A> precision, Parameter<A> p, double std, SplittableRandom rng) {
        A v = p.value();
        for (int i = 0, n = p.size(); i < n; i++) {
            precision.set(v, i, std * gaussian(rng));
        }
    }

    /**
     * Fills the weight matrix {@code p} ({@code [blocks*rows, cols]}) block by block, each
     * {@code [rows, cols]} block by {@code scheme}. {@code uniformBound} is used by
     * {@link WeightInit#UNIFORM}. Modifies {@code p.value()}.
     */
    public static <A> void blocks(Precision<A> precision, Parameter<A> p, int blocks, WeightInit scheme,
                                  double uniformBound, SplittableRandom rng) {
        int[] shape = p.shape();
        int rows = shape[0] / blocks;
        int cols = shape[1];
        switch (scheme) {
            case UNIFORM -> uniform(precision, p, uniformBound, rng);
            case XAVIER -> {
                double a = Math.sqrt(6.0 / (rows + cols));
                uniform(precision, p, a, rng);
            }
            case ORTHOGONAL -> {
                for (int k = 0; k < blocks; k++) {
                    double[] q = orthogonal(rows, cols, rng);
                    for (int i = 0; i < q.length; i++) {
                        precision.set(p.value(), k * rows * cols + i, q[i]);
                    }
                }
            }
        }
    }

    /**
     * A random {@code [rows, cols]} matrix with orthonormal rows (if {@code rows <= cols}) or
     * orthonormal columns (otherwise): Gram–Schmidt, applied twice for accuracy, on a Gaussian
     * matrix.
     */
    static double[] orthogonal(int rows, int cols, SplittableRandom rng) {
        boolean transpose = rows > cols;
        int n = transpose ? cols : rows;   // vectors to orthonormalise
        int len = transpose ? rows : cols; // their length
        double[][] v = new double[n][len];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < len; j++) {
                v[i][j] = gaussian(rng);
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int q = 0; q < i; q++) {
                    double dot = 0;
                    for (int j = 0; j < len; j++) {
                        dot += v[i][j] * v[q][j];
                    }
                    for (int j = 0; j < len; j++) {
                        v[i][j] -= dot * v[q][j];
                    }
                }
            }
            double norm = 0;
            for (int j = 0; j < len; j++) {
                norm += v[i][j] * v[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < len; j++) {
                v[i][j] /= norm;
            }
        }
        double[] out = new double[rows * cols];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < len; j++) {
                if (transpose) {
                    out[j * cols + i] = v[i][j];
                } else {
                    out[i * cols + j] = v[i][j];
                }
            }
        }
        return out;
    }

    private static double gaussian(SplittableRandom rng) {
        // Box–Muller
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
