package dev.recur.classify;

import java.util.Objects;

/**
 * Summary features of a numeric sequence for the linear baseline ({@link LinearClassifier}): a
 * sequence of {@code T} steps of {@code F} features becomes one vector of width {@code 6F + 1}.
 *
 * <p>The order: for each feature {@code f = 0..F−1} in turn, six values at {@code 6f .. 6f+5}:
 * <pre>
 * mean  = Σ_t x[t, f] / T
 * std   = sqrt(Σ_t (x[t, f] − mean)² / T)     (population: divided by T, not T − 1)
 * min, max over t
 * first = x[0, f],   last = x[T−1, f]
 * </pre>
 * then the length {@code T} itself at {@code 6F}. The values are not scaled (the length in
 * particular may be large next to the others): normalise the vectors before training, e.g. with
 * {@link dev.recur.data.Normalization}.
 *
 * <p>Stateless and thread-safe.
 */
public final class SummaryFeatures {

    /** Values per feature: mean, std, min, max, first, last. */
    public static final int PER_FEATURE = 6;

    private SummaryFeatures() {
    }

    /**
     * The width of the summary of {@code F} features.
     *
     * @param featureWidth {@code F >= 1}
     * @return {@code 6F + 1}
     */
    public static int width(int featureWidth) {
        if (featureWidth < 1) {
            throw new IllegalArgumentException("summary features: expected a feature width F >= 1, found "
                    + featureWidth);
        }
        return PER_FEATURE * featureWidth + 1;
    }

    /**
     * The summary of one sequence.
     *
     * @param steps        {@code [T, F]} row-major (as {@link dev.recur.data.Example#features()}), {@code T >= 1},
     *                     all finite
     * @param featureWidth {@code F >= 1}
     * @return a new array of {@code 6F + 1} values in the order of the class comment
     * @throws IllegalArgumentException for an empty sequence, a length that is not a multiple of
     *                                  {@code F}, or a value that is NaN or infinite
     */
    public static double[] of(double[] steps, int featureWidth) {
        Objects.requireNonNull(steps, "steps");
        int width = width(featureWidth);
        if (steps.length == 0 || steps.length % featureWidth != 0) {
            throw new IllegalArgumentException("summary features: expected [T, F] with T >= 1 and F = " + featureWidth
                    + ", found " + steps.length + " values; likely cause: a feature width that does not match the data");
        }
        for (int i = 0; i < steps.length; i++) {
            if (!Double.isFinite(steps[i])) {
                throw new IllegalArgumentException("summary features: expected finite values, found " + steps[i]
                        + " at step " + i / featureWidth + ", feature " + i % featureWidth
                        + "; likely cause: a missing value in the data");
            }
        }
        int nt = steps.length / featureWidth;
        double[] out = new double[width];
        for (int f = 0; f < featureWidth; f++) {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < nt; t++) {
                double x = steps[t * featureWidth + f];
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            // mean = Σ_t x_t / T
            double mean = sum / nt;
            double squares = 0;
            for (int t = 0; t < nt; t++) {
                double d = steps[t * featureWidth + f] - mean;
                squares += d * d;
            }
            int o = PER_FEATURE * f;
            out[o] = mean;
            // std = sqrt(Σ_t (x_t − mean)² / T)
            out[o + 1] = Math.sqrt(squares / nt);
            out[o + 2] = min;
            out[o + 3] = max;
            out[o + 4] = steps[f];
            out[o + 5] = steps[(nt - 1) * featureWidth + f];
        }
        out[width - 1] = nt;
        return out;
    }
}
