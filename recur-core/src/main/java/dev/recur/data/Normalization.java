package dev.recur.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-feature standardisation fitted on training data and saved with a model, so that prediction
 * transforms new data exactly as training did: {@code x' = (x − mean) / std}. {@link #fit} computes
 * it from the training examples, {@link #apply(List)} standardises examples; give it to the run's
 * {@code Preprocessing} so that it is saved, and prediction applies the saved one.
 *
 * <p>Immutable and thread-safe (the arrays are copied in and out).
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

    /**
     * Fits the statistics on training examples, as scikit-learn's {@code StandardScaler}: each
     * feature's mean and population standard deviation over every step of every example. A feature
     * that is constant in the data gets a deviation of 1: it is centred, not scaled.
     *
     * @param examples the training examples, each with numeric features of one width
     * @return the normalisation
     * @throws IllegalArgumentException if there are no examples, one has no features, the widths
     *                                  differ, or a value is not finite
     */
    public static Normalization fit(List<Example> examples) {
        if (examples == null || examples.isEmpty()) {
            throw new IllegalArgumentException("normalization: expected training examples to fit it on, found none");
        }
        int nf = examples.get(0).featureWidth();
        double[] mean = new double[nf];
        long rows = 0;
        for (int i = 0; i < examples.size(); i++) {
            double[] x = features(examples.get(i), i, nf);
            for (int j = 0; j < x.length; j++) {
                if (!Double.isFinite(x[j])) {
                    throw new IllegalArgumentException("normalization: example " + i + " step " + j / nf + " feature "
                            + j % nf + " is " + x[j] + ": expected a finite number; likely cause: a missing value "
                            + "in the data");
                }
                mean[j % nf] += x[j];
            }
            rows += x.length / nf;
        }
        for (int f = 0; f < nf; f++) {
            mean[f] /= rows;
        }
        // two passes: the variance of the deviations from the mean, which loses no precision to a large mean
        double[] std = new double[nf];
        for (Example e : examples) {
            double[] x = e.features();
            for (int j = 0; j < x.length; j++) {
                double d = x[j] - mean[j % nf];
                std[j % nf] += d * d;
            }
        }
        for (int f = 0; f < nf; f++) {
            std[f] = Math.sqrt(std[f] / rows);
            if (!(std[f] > 0)) {
                std[f] = 1;
            }
        }
        return new Normalization(mean, std);
    }

    /**
     * The examples with their features standardised; the tokens and targets are kept, the given
     * examples are not modified.
     *
     * @param examples examples with this normalisation's number of features
     * @return new examples, in the same order
     * @throws IllegalArgumentException if an example has no features or another number of them
     */
    public List<Example> apply(List<Example> examples) {
        List<Example> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            double[] x = features(e, i, mean.length).clone();
            apply(x);
            out.add(new Example(e.tokens(), x, e.featureWidth(), e.target()));
        }
        return out;
    }

    private static double[] features(Example e, int index, int width) {
        if (e.features() == null || e.featureWidth() != width) {
            throw new IllegalArgumentException("normalization: expected " + width + " numeric features per step in "
                    + "every example, found " + (e.features() == null ? "none" : e.featureWidth()) + " in example "
                    + index + "; likely cause: examples of another data set, or of tokens only");
        }
        return e.features();
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

    /** The means, one per feature (a copy). */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** The standard deviations, one per feature (a copy). */
    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        return "Normalization[mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
    }
}
