package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Binary cross-entropy on logits for multi-label outputs, PyTorch's
 * {@code BCEWithLogitsLoss(pos_weight=, reduction=)}: every output column {@code c} is an
 * independent yes/no logit {@code z}, its target {@code y} a probability in {@code [0, 1]} (soft
 * labels allowed). With {@code pw_c} the column's positive weight (1 without {@code pos_weight}) and
 * {@code L = 1 + (pw_c − 1)·y}, each element contributes
 * <pre>
 * l     = −pw_c·y·log σ(z) − (1 − y)·log(1 − σ(z))
 *       = (1 − y)·z + L·softplus(−z),   softplus(−z) = max(−z, 0) + log1p(exp(−|z|))   (computed so)
 * dl/dz = L·σ(z) − pw_c·y
 * </pre>
 * which reduces to {@code max(z, 0) − z·y + log1p(exp(−|z|))} without {@code pos_weight}. MEAN
 * divides the sum over the elements of the rows that count by their number (counted rows × C). The
 * targets are rounded to the output's precision first; targets of rows that do not count are not read.
 *
 * <p>Immutable and thread-safe (the weights are copied in and out); its {@link Builder} is not.
 *
 * @param posWeight {@code [C]} finite, non-negative weights of the positive term per column, or null
 * @param reduction mean or sum
 */
public record BinaryCrossEntropy(double[] posWeight, Reduction reduction) implements Loss {

    /** The name in {@link #toMap()}. */
    static final String NAME = "binary_cross_entropy_with_logits";

    /**
     * Validates the settings and copies the weights.
     *
     * @param posWeight the weights, or null
     * @param reduction mean or sum
     * @throws IllegalArgumentException for a negative or non-finite weight, or no reduction
     */
    public BinaryCrossEntropy {
        posWeight = LossInputs.weights(NAME + " pos_weight", posWeight);
        LossInputs.reduction(NAME, reduction);
    }

    /**
     * A builder holding the defaults (PyTorch's): no {@code pos_weight}, mean.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The positive weights.
     *
     * @return a copy, or null for none
     */
    @Override
    public double[] posWeight() {
        return posWeight == null ? null : posWeight.clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean classTargets() {
        return false;
    }

    @Override
    public <A> LossValue compute(Precision<A> precision, Activations<A> output, Targets targets, A gradient) {
        LossInputs.check(NAME, precision, output, targets, gradient);
        double[] y = LossInputs.values(NAME, targets, output);
        LossInputs.weightsMatch(NAME + " pos_weight", posWeight, output);
        final int rows = output.rows();
        final int width = output.width();
        boolean[] counted = LossInputs.unpadded(output);
        for (int r = 0; r < rows; r++) {
            if (counted != null && !counted[r]) {
                continue;
            }
            for (int c = 0; c < width; c++) {
                double v = y[r * width + c];
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException(NAME + " target [row " + r + ", column " + c + "] = " + v
                            + ": expected a probability in [0, 1]; likely cause: class ids or unscaled labels "
                            + "where 0/1 (or soft) labels are meant");
                }
            }
        }
        return Elementwise.reduce(reduction, precision, LossInputs.count(counted, rows) * width, gradient,
                scale -> LossKernels.of(precision).binaryCrossEntropy(output.values(), precision.fromDoubles(y), rows,
                        width, counted, posWeight, scale, gradient));
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = LossSettings.start(NAME, reduction);
        m.put("pos_weight", LossSettings.list(posWeight));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BinaryCrossEntropy b && Arrays.equals(posWeight, b.posWeight) && reduction == b.reduction;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(posWeight), reduction);
    }

    @Override
    public String toString() {
        return "BinaryCrossEntropy[posWeight=" + Arrays.toString(posWeight) + ", reduction=" + reduction.id() + "]";
    }

    /** Builds a {@link BinaryCrossEntropy}; the defaults are PyTorch's and live here only. */
    public static final class Builder {
        private double[] posWeight = null;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {
        }

        /**
         * Weights of the positive term per column (default none).
         *
         * @param value {@code [C]} finite, non-negative, or null
         * @return this builder
         */
        public Builder posWeight(double[] value) {
            this.posWeight = value;
            return this;
        }

        /**
         * The reduction (default mean).
         *
         * @param value mean or sum
         * @return this builder
         */
        public Builder reduction(Reduction value) {
            this.reduction = value;
            return this;
        }

        /**
         * The validated loss.
         *
         * @return the loss
         * @throws IllegalArgumentException for an invalid setting
         */
        public BinaryCrossEntropy build() {
            return new BinaryCrossEntropy(posWeight, reduction);
        }
    }
}
