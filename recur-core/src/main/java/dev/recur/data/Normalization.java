package dev.recur.data;

import java.util.Arrays;

/**
 * Per-feature standardisation fitted on training data and saved with a model, so that prediction
 * transforms new data exactly as training did: {@code x' = (x − mean) / std}.
 *
 * @param mean one per feature
 * @param std  one per feature, each {@code > 0}
 */
public record Normalization(double[] mean, double[] std) {

    /**
     * Checks the statistics; keeps copies.
     *
     * @param mean the means
     * @param std  the standard deviations
     * @throws IllegalArgumentException for mismatched lengths, non-finite values or a deviation {@code <= 0}
     */
    public Normalization {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalization: expected one mean and one standard deviation per feature, "
                    + "found " + (mean == null ? "none" : mean.length) + " and " + (std == null ? "none" : std.length));
        }
        for (int i = 0; i < mean.length; i++) {
            if (!Double.isFinite(mean[i]) || !(std[i] > 0) || Double.isInfinite(std[i])) {
                throw new IllegalArgumentException("normalization of feature " + i + ": expected a finite mean and a "
                        + "finite standard deviation > 0, found " + mean[i] + " and " + std[i]
                        + "; likely cause: a constant feature, which cannot be standardised");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The number of features. */
    public int width() {
        return mean.length;
    }

    /**
     * Standardises rows of features in place: {@code x[r*F + f] = (x − mean[f]) / std[f]}. Modifies {@code x}.
     *
     * @param x {@code [N, F]}
     */
    public void apply(double[] x) {
        int nf = mean.length;
        if (x.length % nf != 0) {
            throw new IllegalArgumentException("features: expected rows of " + nf + ", found " + x.length + " values");
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - mean[i % nf]) / std[i % nf];
        }
    }

    /**
     * Undoes {@link #apply} in place: {@code x = x'·std + mean}. Modifies {@code x}.
     *
     * @param x {@code [N, F]}
     */
    public void invert(double[] x) {
        int nf = mean.length;
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * std[i % nf] + mean[i % nf];
        }
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        return "Normalization[mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
    }
}
