package dev.recur.nn;

import dev.recur.tensor.Precision;

/**
 * The per-element arithmetic of the losses in {@link Losses}, for one array type. Implemented once
 * in float64 by {@code DoubleLossKernels}; the float32 twin is generated from it. Arguments are
 * validated by {@link Losses} before they get here.
 *
 * @param <A> the array type
 */
interface LossKernels<A> {

    /** The kernels for the array type of {@code precision}. */
    @SuppressWarnings("unchecked")
    static <A> LossKernels<A> of(Precision<A> precision) {
        Object k = precision.kernels().alloc(0) instanceof double[]
                ? DoubleLossKernels.INSTANCE : FloatLossKernels.INSTANCE;
        return (LossKernels<A>) k;
    }

    /**
     * Softmax cross-entropy of rows {@code [r0, r1)} of {@code vocab} logits.
     *
     * <p>Returns {@code Σ_r w_r·(logsumexp(z_r) − z_r[t_r])}, summed in float64 in row order, over the
     * rows with {@code w_r != 0} ({@code w_r = 1} for every row when {@code weights} is null). When
     * {@code dLogits} is not null, overwrites its rows {@code [r0, r1)} with
     * {@code w_r·gradScale·(softmax(z_r) − onehot(t_r))} ({@code 0} exactly for rows with
     * {@code w_r == 0}). Modifies only those rows of {@code dLogits}.
     *
     * @param logits    {@code [N, V]}
     * @param r0        the first row
     * @param r1        the end of the rows (exclusive)
     * @param targets   {@code [N]}: ids in {@code 0..V-1} for rows whose weight is not 0
     * @param weights   {@code [N]} row weights, or null for all 1
     * @param gradScale factor of every row's gradient (typically {@code 1 / Σ w})
     * @param dLogits   {@code [N, V]} output, or null
     */
    double softmaxCrossEntropy(A logits, int r0, int r1, int vocab, int[] targets, double[] weights,
                               double gradScale, A dLogits);

    /**
     * Squared error: returns {@code Σ_i (p_i − y_i)²} summed in float64; when {@code dPred} is not
     * null, overwrites it with {@code 2·gradScale·(p_i − y_i)}. Modifies only {@code dPred}.
     *
     * @param pred   {@code [n]}
     * @param target {@code [n]}
     * @param dPred  {@code [n]} output, or null
     */
    double squaredError(A pred, A target, int n, double gradScale, A dPred);
}
