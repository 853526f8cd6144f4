package dev.recur.nn.loss;

import dev.recur.nn.Activations;
import dev.recur.tensor.Precision;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Softmax cross-entropy on logits, exactly PyTorch 1.13's
 * {@code F.cross_entropy(z, y, weight=w, ignore_index=, label_smoothing=ε, reduction=)}.
 *
 * <p>Per counted row {@code r} (not padding, id not the ignore index), with
 * {@code p = log_softmax(z_r)}, {@code C} classes and class weights {@code w} ({@code w ≡ 1}
 * without weights):
 * <pre>
 * l_r  = −(1−ε)·w[y_r]·p[y_r] − (ε/C)·Σ_c w[c]·p[c]
 * MEAN = Σ_r l_r / Σ_r w[y_r]          SUM = Σ_r l_r
 * </pre>
 * so that without weights MEAN divides by the number of counted rows. {@link LossValue#weight()}
 * is {@code Σ_r w[y_r]} over the counted rows. Where PyTorch would divide by a weight sum of 0
 * (every counted row of a class of weight 0) and return NaN, MEAN here gives value 0, weight 0 and a
 * zero gradient, as for a batch in which no row counts.
 *
 * <p>Without label smoothing the arithmetic is that of earlier versions' {@code Losses} bit for bit
 * (the row weight is {@code w[y_r]}, or 1, and 0 for rows that do not count); the rows are split
 * over the precision's threads in fixed blocks of 256 whose sums are added in block order, so the
 * result does not depend on the thread count.
 *
 * <p>Immutable and thread-safe (the weights are copied in and out); its {@link Builder} is not.
 *
 * @param classWeights   {@code [C]} finite, non-negative class weights, or null for none
 * @param labelSmoothing {@code ε} in {@code [0, 1)}
 * @param ignoreIndex    a target id that marks a row that does not count ({@link Targets#IGNORE_INDEX}
 *                       by default); it may also be a class id, whose rows then do not count
 * @param reduction      mean or sum
 */
public record CrossEntropy(double[] classWeights, double labelSmoothing, int ignoreIndex, Reduction reduction)
        implements Loss {

    /** The name in {@link #toMap()}. */
    static final String NAME = "cross_entropy";

    /** Rows that one thread takes at a time (as in earlier versions' {@code Losses}). */
    private static final int LOSS_BLOCK = 256;

    /**
     * Validates the settings and copies the class weights.
     *
     * @param classWeights   the class weights, or null
     * @param labelSmoothing {@code ε}
     * @param ignoreIndex    the id of rows that do not count
     * @param reduction      mean or sum
     * @throws IllegalArgumentException for a negative or non-finite class weight, an {@code ε}
     *                                  outside {@code [0, 1)} or no reduction
     */
    public CrossEntropy {
        classWeights = LossInputs.weights(NAME + " class_weights", classWeights);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException(NAME + " label_smoothing: expected a number in [0, 1), found "
                    + labelSmoothing + "; likely cause: a percentage given where a fraction is meant");
        }
        LossInputs.reduction(NAME, reduction);
    }

    /**
     * The plain cross-entropy: PyTorch's defaults, the mean over every counted row without class
     * weights or smoothing (a language model's loss).
     *
     * @return the loss
     */
    public static CrossEntropy mean() {
        return builder().build();
    }

    /**
     * A builder holding the defaults (PyTorch's): no class weights, no label smoothing, ignore index
     * {@link Targets#IGNORE_INDEX}, mean.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The class weights.
     *
     * @return a copy, or null for none
     */
    @Override
    public double[] classWeights() {
        return classWeights == null ? null : classWeights.clone();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean classTargets() {
        return true;
    }

    @Override
    public <A> LossValue compute(Precision<A> precision, Activations<A> output, Targets targets, A gradient) {
        LossInputs.check(NAME, precision, output, targets, gradient);
        int[] ids = LossInputs.classIds(NAME, targets, output);
        LossInputs.weightsMatch(NAME + " class_weights", classWeights, output);
        final int rows = output.rows();
        final int classes = output.width();
        // rows that count: not padding, and not the ignore index; the others' ids are not read
        boolean[] counted = LossInputs.unpadded(output);
        for (int r = 0; r < rows; r++) {
            if (counted != null && !counted[r]) {
                continue;
            }
            int id = ids[r];
            if (id == ignoreIndex) {
                if (counted == null) {
                    counted = new boolean[rows];
                    Arrays.fill(counted, true);
                }
                counted[r] = false;
            } else if (id < 0 || id >= classes) {
                throw new IllegalArgumentException(NAME + " target id " + id + " at row " + r
                        + ": expected a class in 0.." + (classes - 1) + " (C = " + classes + ") or the ignore index "
                        + ignoreIndex + "; likely cause: labels encoded with more classes than the output has, "
                        + "or padding marked with another id than the ignore index");
            }
        }
        return labelSmoothing == 0
                ? plain(precision, output.values(), rows, classes, ids, counted, gradient)
                : smoothed(precision, output.values(), rows, classes, ids, counted, gradient);
    }

    /** Without label smoothing: the arithmetic of earlier versions' {@code Losses}, bit for bit. */
    private <A> LossValue plain(Precision<A> precision, A logits, int rows, int vocab, int[] targets,
                                boolean[] counted, A dLogits) {
        // w_r = class weight of the row's target (or 1), 0 for rows that do not count; null when all are 1
        double[] w = null;
        if (classWeights != null || counted != null) {
            w = new double[rows];
            for (int r = 0; r < rows; r++) {
                w[r] = counted != null && !counted[r] ? 0 : classWeights == null ? 1 : classWeights[targets[r]];
            }
        }
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double wr = w == null ? 1 : w[r];
            total += wr;
        }
        if (total == 0) {
            LossInputs.zero(precision, dLogits);
            return new LossValue(0, 0, reduction);
        }
        LossKernels<A> k = LossKernels.of(precision);
        final double[] rowWeights = w;
        // MEAN = Σ_r w_r·l_r / Σ_r w_r, so each row's gradient is scaled by 1 / Σ w
        final double scale = reduction == Reduction.MEAN ? 1 / total : 1;
        double sum = blockSum(precision, rows,
                (r0, r1) -> k.softmaxCrossEntropy(logits, r0, r1, vocab, targets, rowWeights, scale, dLogits));
        return new LossValue(reduction == Reduction.MEAN ? sum / total : sum, total, reduction);
    }

    /** With label smoothing {@code ε > 0}. */
    private <A> LossValue smoothed(Precision<A> precision, A logits, int rows, int vocab, int[] targets,
                                   boolean[] counted, A dLogits) {
        // the divisor of MEAN: Σ_r w[y_r] over the rows that count
        double total = 0;
        int n = 0;
        for (int r = 0; r < rows; r++) {
            if (counted == null || counted[r]) {
                total += classWeights == null ? 1 : classWeights[targets[r]];
                n++;
            }
        }
        if (n == 0 || (reduction == Reduction.MEAN && total == 0)) {
            LossInputs.zero(precision, dLogits);
            return new LossValue(0, 0, reduction);
        }
        LossKernels<A> k = LossKernels.of(precision);
        final boolean[] rowsCounted = counted;
        final double scale = reduction == Reduction.MEAN ? 1 / total : 1;
        double sum = blockSum(precision, rows, (r0, r1) -> k.smoothedCrossEntropy(logits, r0, r1, vocab, targets,
                rowsCounted, classWeights, labelSmoothing, scale, dLogits));
        return new LossValue(reduction == Reduction.MEAN ? sum / total : sum, total, reduction);
    }

    /** The sum of the rows' losses over {@code [r0, r1)}. */
    @FunctionalInterface
    private interface RowBlock {
        double sum(int r0, int r1);
    }

    /**
     * Splits the rows into blocks of {@link #LOSS_BLOCK} over the precision's threads and adds the
     * block sums in block order, so the result does not depend on the thread count.
     */
    private static double blockSum(Precision<?> precision, int rows, RowBlock block) {
        final int blocks = (rows + LOSS_BLOCK - 1) / LOSS_BLOCK;
        final double[] sums = new double[blocks];
        precision.kernels().parallel().run(blocks, b -> sums[b] = block.sum(b * LOSS_BLOCK,
                Math.min(rows, (b + 1) * LOSS_BLOCK)));
        double sum = 0;
        for (double s : sums) {
            sum += s;
        }
        return sum;
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> m = LossSettings.start(NAME, reduction);
        m.put("class_weights", LossSettings.list(classWeights));
        m.put("label_smoothing", labelSmoothing);
        m.put("ignore_index", ignoreIndex);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CrossEntropy c && Arrays.equals(classWeights, c.classWeights)
                && Double.compare(labelSmoothing, c.labelSmoothing) == 0 && ignoreIndex == c.ignoreIndex
                && reduction == c.reduction;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(classWeights), labelSmoothing, ignoreIndex, reduction);
    }

    @Override
    public String toString() {
        return "CrossEntropy[classWeights=" + Arrays.toString(classWeights) + ", labelSmoothing=" + labelSmoothing
                + ", ignoreIndex=" + ignoreIndex + ", reduction=" + reduction.id() + "]";
    }

    /** Builds a {@link CrossEntropy}; the defaults are PyTorch's and live here only. */
    public static final class Builder {
        private double[] classWeights = null;
        private double labelSmoothing = 0;
        private int ignoreIndex = Targets.IGNORE_INDEX;
        private Reduction reduction = Reduction.MEAN;

        private Builder() {
        }

        /**
         * Class weights (default none).
         *
         * @param value {@code [C]} finite, non-negative, or null
         * @return this builder
         */
        public Builder classWeights(double[] value) {
            this.classWeights = value;
            return this;
        }

        /**
         * Label smoothing {@code ε} (default 0).
         *
         * @param value in {@code [0, 1)}
         * @return this builder
         */
        public Builder labelSmoothing(double value) {
            this.labelSmoothing = value;
            return this;
        }

        /**
         * The id of rows that do not count (default {@link Targets#IGNORE_INDEX}).
         *
         * @param value the id
         * @return this builder
         */
        public Builder ignoreIndex(int value) {
            this.ignoreIndex = value;
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
        public CrossEntropy build() {
            return new CrossEntropy(classWeights, labelSmoothing, ignoreIndex, reduction);
        }
    }
}
