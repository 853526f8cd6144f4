package dev.recur.nn;

import dev.recur.tensor.Precision;

/**
 * Loss functions: each returns the loss as a {@code double} and, when given an output array,
 * writes the gradient of that loss with respect to its input there (overwriting it).
 *
 * <h2>Softmax cross-entropy</h2>
 * For {@code N} rows of {@code V} logits {@code z} and target ids {@code t}:
 * <pre>
 * loss_r = logsumexp(z_r) − z_r[t_r]            (computed as m + log Σ exp(z − m), m = max z_r)
 * loss   = Σ_r w_r·loss_r / Σ_r w_r             (PyTorch's cross_entropy with reduction "mean")
 * dz_r   = w_r / Σ w · (softmax(z_r) − onehot(t_r))
 * </pre>
 * Without a mask or weights every {@code w_r = 1}, so the loss is the plain mean over rows. A
 * boolean mask gives {@code w_r = 1} for rows that count and {@code 0} for the others: masked rows
 * contribute nothing, their gradient is exactly 0, and their targets are not read (padding may use
 * any id, e.g. −1). If no row counts ({@code Σ w = 0}) the loss is {@code 0} and every gradient is
 * {@code 0}. The rows are split over the precision's thread team in fixed blocks, so the result
 * does not depend on the thread count; like the kernels, a team serves one caller at a time.
 *
 * <h2>Mean squared error</h2>
 * {@code loss = (1/n) Σ (p − y)²}, {@code dp = 2 (p − y) / n}.
 */
public final class Losses {

    /** Rows of the cross-entropy that one thread takes at a time. */
    private static final int LOSS_BLOCK = 256;

    private Losses() {
    }

    /**
     * Mean softmax cross-entropy over all rows.
     *
     * @param precision the precision of the arrays
     * @param logits    {@code [N, V]}
     * @param rows      {@code N}
     * @param vocab     {@code V}
     * @param targets   {@code [N]} ids in {@code 0..V-1}
     * @param dLogits   {@code [N, V]}: overwritten with {@code d loss / d logits}; null to skip
     * @return the loss
     * @throws IllegalArgumentException for arrays of the wrong length or a target outside {@code 0..V-1}
     */
    public static <A> double softmaxCrossEntropy(Precision<A> precision, A logits, int rows, int vocab,
                                                 int[] targets, A dLogits) {
        return weighted(precision, logits, rows, vocab, targets, null, dLogits);
    }

    /**
     * Mean softmax cross-entropy over the rows with {@code mask[r] == true}; the other rows get a
     * gradient of exactly 0 and their targets are ignored.
     *
     * @param mask {@code [N]}, or null for every row
     * @see #softmaxCrossEntropy(Precision, Object, int, int, int[], Object)
     */
    public static <A> double softmaxCrossEntropy(Precision<A> precision, A logits, int rows, int vocab,
                                                 int[] targets, boolean[] mask, A dLogits) {
        double[] w = null;
        if (mask != null) {
            if (mask.length != rows) {
                throw new IllegalArgumentException("mask: expected one flag per row (N = " + rows + "), found "
                        + mask.length + "; likely cause: a mask built for another batch shape");
            }
            w = new double[rows];
            for (int r = 0; r < rows; r++) {
                w[r] = mask[r] ? 1 : 0;
            }
        }
        return weighted(precision, logits, rows, vocab, targets, w, dLogits);
    }

    /**
     * Weighted mean softmax cross-entropy: {@code Σ w_r loss_r / Σ w_r}. A weight of 0 masks the row
     * out (gradient exactly 0, target ignored).
     *
     * @param rowWeights {@code [N]} finite, non-negative weights, or null for all 1
     * @see #softmaxCrossEntropy(Precision, Object, int, int, int[], Object)
     */
    public static <A> double weightedSoftmaxCrossEntropy(Precision<A> precision, A logits, int rows, int vocab,
                                                         int[] targets, double[] rowWeights, A dLogits) {
        if (rowWeights != null) {
            if (rowWeights.length != rows) {
                throw new IllegalArgumentException("row weights: expected one weight per row (N = " + rows
                        + "), found " + rowWeights.length);
            }
            for (int r = 0; r < rows; r++) {
                if (!(rowWeights[r] >= 0) || Double.isInfinite(rowWeights[r])) {
                    throw new IllegalArgumentException("row weight [" + r + "] = " + rowWeights[r]
                            + ": expected a finite number >= 0");
                }
            }
        }
        return weighted(precision, logits, rows, vocab, targets, rowWeights == null ? null : rowWeights.clone(),
                dLogits);
    }

    private static <A> double weighted(Precision<A> precision, A logits, int rows, int vocab, int[] targets,
                                       double[] w, A dLogits) {
        if (rows < 1 || vocab < 1) {
            throw new IllegalArgumentException("cross-entropy shape: expected N >= 1 rows and V >= 1 classes, found N = "
                    + rows + ", V = " + vocab);
        }
        long n = (long) rows * vocab;
        length(precision, logits, n, "logits", "[N, V] = [" + rows + ", " + vocab + "]");
        if (dLogits != null) {
            length(precision, dLogits, n, "logits gradient", "[N, V] = [" + rows + ", " + vocab + "]");
        }
        if (targets == null || targets.length != rows) {
            throw new IllegalArgumentException("targets: expected one id per row (N = " + rows + "), found "
                    + (targets == null ? "null" : targets.length + " ids")
                    + "; likely cause: targets of another batch, or logits of another shape");
        }
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double wr = w == null ? 1 : w[r];
            total += wr;
            if (wr != 0 && (targets[r] < 0 || targets[r] >= vocab)) {
                throw new IllegalArgumentException("target id " + targets[r] + " at row " + r
                        + " is outside the vocabulary 0.." + (vocab - 1) + " (V = " + vocab
                        + "); likely cause: data encoded with a larger vocabulary, or a padding id in a row "
                        + "that is not masked out");
            }
        }
        LossKernels<A> k = LossKernels.of(precision);
        if (total == 0) {
            if (dLogits != null) {
                precision.kernels().zero(dLogits, 0, (int) n);
            }
            return 0;
        }
        // blocks of rows over the kernels' threads; the block sums are added in block order, so the
        // loss does not depend on the thread count
        final double scale = 1 / total;
        final int blocks = (rows + LOSS_BLOCK - 1) / LOSS_BLOCK;
        final double[] sums = new double[blocks];
        precision.kernels().parallel().run(blocks, b -> sums[b] = k.softmaxCrossEntropy(logits, b * LOSS_BLOCK,
                Math.min(rows, (b + 1) * LOSS_BLOCK), vocab, targets, w, scale, dLogits));
        double sum = 0;
        for (double s : sums) {
            sum += s;
        }
        return sum / total;
    }

    /**
     * Mean squared error over {@code n} elements.
     *
     * @param precision the precision of the arrays
     * @param pred      {@code [n]} predictions
     * @param target    {@code [n]} targets
     * @param n         number of elements
     * @param dPred     {@code [n]}: overwritten with {@code d loss / d pred}; null to skip
     * @return {@code (1/n) Σ (pred − target)²}
     * @throws IllegalArgumentException for arrays of the wrong length
     */
    public static <A> double meanSquaredError(Precision<A> precision, A pred, A target, int n, A dPred) {
        if (n < 1) {
            throw new IllegalArgumentException("mean squared error: expected n >= 1 elements, found " + n);
        }
        length(precision, pred, n, "predictions", "[" + n + "]");
        length(precision, target, n, "targets", "[" + n + "]");
        if (dPred != null) {
            length(precision, dPred, n, "prediction gradient", "[" + n + "]");
        }
        return LossKernels.of(precision).squaredError(pred, target, n, 1.0 / n, dPred) / n;
    }

    private static <A> void length(Precision<A> precision, A a, long expected, String what, String shape) {
        if (a == null) {
            throw new IllegalArgumentException(what + ": expected " + shape + " = " + expected + " values, found null");
        }
        int found = precision.kernels().length(a);
        if (found != expected) {
            throw new IllegalArgumentException(what + ": expected " + shape + " = " + expected + " values, found "
                    + found + "; likely cause: an array sized for another batch or vocabulary");
        }
    }
}
