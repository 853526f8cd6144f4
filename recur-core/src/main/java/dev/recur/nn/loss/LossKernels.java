package dev.recur.nn.loss;

import dev.recur.tensor.Precision;

/**
 * The per-element arithmetic of the losses of this package, for one array type. Implemented once in
 * float64 by {@code DoubleLossKernels}; the float32 twin is generated from it. Arguments are
 * validated by the losses before they get here. Every method returns a sum accumulated in float64
 * in row order and, when given a gradient array, overwrites only the rows it was given (rows that do
 * not count with exactly 0).
 *
 * @param <A> the array type
 */
interface LossKernels<A> {

    /** The kernels for the array type of {@code precision}. */
    @SuppressWarnings("unchecked")
    static <A> LossKernels<A> of(Precision<A> precision) {
        Object k = precision.isDouble() ? DoubleLossKernels.INSTANCE : FloatLossKernels.INSTANCE;
        return (LossKernels<A>) k;
    }

    /**
     * Softmax cross-entropy of rows {@code [r0, r1)} of {@code vocab} logits, the arithmetic of
     * earlier versions' {@code Losses} exactly (every checkpoint trained before was trained on it).
     *
     * <p>Returns {@code Σ_r w_r·(logsumexp(z_r) − z_r[t_r])} over the rows with {@code w_r != 0}
     * ({@code w_r = 1} for every row when {@code weights} is null). When {@code dLogits} is not null,
     * overwrites its rows {@code [r0, r1)} with {@code w_r·gradScale·(softmax(z_r) − onehot(t_r))}
     * ({@code 0} exactly for rows with {@code w_r == 0}).
     *
     * @param logits    {@code [N, V]}
     * @param r0        the first row
     * @param r1        the end of the rows (exclusive)
     * @param vocab     {@code V}
     * @param targets   {@code [N]}: ids in {@code 0..V-1} for rows whose weight is not 0
     * @param weights   {@code [N]} row weights, or null for all 1
     * @param gradScale factor of every row's gradient ({@code 1 / Σ w} for the mean, 1 for the sum)
     * @param dLogits   {@code [N, V]} output, or null
     * @return the weighted sum of the rows' losses
     */
    double softmaxCrossEntropy(A logits, int r0, int r1, int vocab, int[] targets, double[] weights,
                               double gradScale, A dLogits);

    /**
     * Label-smoothed, class-weighted softmax cross-entropy of rows {@code [r0, r1)}.
     *
     * <p>Returns {@code Σ_r l_r} over the rows with {@code counted[r]} (all when null), where, with
     * {@code p = log_softmax(z_r)}, {@code C = vocab} and {@code w_c} the class weights (1 when null),
     * {@code l_r = −(1−ε)·w[t_r]·p[t_r] − (ε/C)·Σ_c w_c·p_c}. When {@code dLogits} is not null,
     * overwrites its rows {@code [r0, r1)} with {@code gradScale·dl_r/dz_r} (0 exactly at rows that do
     * not count).
     *
     * @param logits       {@code [N, C]}
     * @param r0           the first row
     * @param r1           the end of the rows (exclusive)
     * @param vocab        {@code C}
     * @param targets      {@code [N]}: ids in {@code 0..C-1} at the rows that count
     * @param counted      {@code [N]} which rows count, or null for all
     * @param classWeights {@code [C]} finite, non-negative weights, or null for all 1
     * @param smoothing    {@code ε} in {@code [0, 1)}
     * @param gradScale    factor of every row's gradient
     * @param dLogits      {@code [N, C]} output, or null
     * @return {@code Σ_r l_r}
     */
    double smoothedCrossEntropy(A logits, int r0, int r1, int vocab, int[] targets, boolean[] counted,
                                double[] classWeights, double smoothing, double gradScale, A dLogits);

    /**
     * Binary cross-entropy on logits, PyTorch's {@code binary_cross_entropy_with_logits}: returns
     * {@code Σ (1 − y)·z + L·softplus(−z)} with {@code L = 1 + (pw_c − 1)·y} over the elements of the
     * rows that count; overwrites {@code dLogits} with {@code gradScale·(L·σ(z) − pw_c·y)}.
     *
     * @param logits    {@code [N, C]}
     * @param target    {@code [N, C]} values in {@code [0, 1]} at the rows that count
     * @param rows      {@code N}
     * @param width     {@code C}
     * @param counted   {@code [N]} which rows count, or null for all
     * @param posWeight {@code [C]} weights of the positive term, or null for all 1
     * @param gradScale factor of every element's gradient
     * @param dLogits   {@code [N, C]} output, or null
     * @return the sum over the elements that count
     */
    double binaryCrossEntropy(A logits, A target, int rows, int width, boolean[] counted, double[] posWeight,
                              double gradScale, A dLogits);

    /**
     * Squared error, the arithmetic of earlier versions' {@code Losses} exactly: returns
     * {@code Σ (p − y)²} over the elements of the rows that count; overwrites {@code dPred} with
     * {@code 2·gradScale·(p − y)}.
     *
     * @param pred      {@code [N, F]}
     * @param target    {@code [N, F]}
     * @param rows      {@code N}
     * @param width     {@code F}
     * @param counted   {@code [N]} which rows count, or null for all
     * @param gradScale factor of every element's gradient
     * @param dPred     {@code [N, F]} output, or null
     * @return the sum over the elements that count
     */
    double squaredError(A pred, A target, int rows, int width, boolean[] counted, double gradScale, A dPred);

    /**
     * Absolute error: returns {@code Σ |p − y|} over the elements of the rows that count; overwrites
     * {@code dPred} with {@code gradScale·sign(p − y)} (0 where {@code p == y}).
     *
     * @see #squaredError
     */
    double absoluteError(A pred, A target, int rows, int width, boolean[] counted, double gradScale, A dPred);

    /**
     * Huber error with threshold {@code delta}: returns {@code Σ h(p − y)} over the elements of the
     * rows that count, {@code h(e) = e²/2} for {@code |e| <= delta}, else {@code delta·(|e| − delta/2)};
     * overwrites {@code dPred} with {@code gradScale·h'(e)}, {@code h'(e) = e} or {@code delta·sign(e)}.
     *
     * @see #squaredError
     */
    double huberError(A pred, A target, int rows, int width, boolean[] counted, double delta, double gradScale,
                      A dPred);
}
