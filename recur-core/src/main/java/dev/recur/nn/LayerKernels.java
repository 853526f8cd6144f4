package dev.recur.nn;

import dev.recur.tensor.Precision;

/**
 * The per-element arithmetic of {@link Pooling}, {@link LayerNorm} and {@link Activation}, for one
 * array type. Implemented once in float64 by {@code DoubleLayerKernels}; the float32 twin is
 * generated from it. Arguments are validated by the layers before they get here.
 *
 * <p>Shapes: {@code [T, B, F]} time-major per step (row {@code t*B + b}), {@code [B, F]} one row
 * per sequence, {@code [T, B]} one number per step, {@code A} the attention size. {@code lengths}
 * is {@code [B]} in {@code 1..T}, or null when every sequence has {@code T} steps; steps
 * {@code t >= lengths[b]} are padding. Every method says what it modifies; it touches nothing
 * else.
 *
 * @param <A> the array type
 */
interface LayerKernels<A> {

    /** The kernels for the array type of {@code precision}. */
    @SuppressWarnings("unchecked")
    static <A> LayerKernels<A> of(Precision<A> precision) {
        Object k = precision.isDouble() ? DoubleLayerKernels.INSTANCE : FloatLayerKernels.INSTANCE;
        return (LayerKernels<A>) k;
    }

    /**
     * Mean over time: {@code y[b] = Σ_{t<len_b} x[t, b] / len_b}. Overwrites {@code y}.
     *
     * @param x {@code [T, B, F]}
     * @param y {@code [B, F]}
     */
    void meanPool(A x, int steps, int batch, int width, int[] lengths, A y);

    /**
     * Gradient of {@link #meanPool}: {@code dx[t, b] = dy[b] / len_b} for {@code t < len_b}, exactly 0
     * on padding. Overwrites {@code dx}.
     *
     * @param dy {@code [B, F]}
     * @param dx {@code [T, B, F]}
     */
    void meanPoolBackward(A dy, int steps, int batch, int width, int[] lengths, A dx);

    /**
     * Maximum over time, per feature: {@code y[b, j] = max_{t<len_b} x[t, b, j]}, and
     * {@code argmax[b*F + j]} the step that gives it: the first on ties, the first NaN if there is
     * one (so NaN propagates). Overwrites {@code y} and {@code argmax}.
     *
     * @param x      {@code [T, B, F]}
     * @param y      {@code [B, F]}
     * @param argmax {@code [B, F]}
     */
    void maxPool(A x, int steps, int batch, int width, int[] lengths, A y, int[] argmax);

    /**
     * Gradient of {@link #maxPool}: {@code dx[argmax[b, j], b, j] = dy[b, j]}, exactly 0 elsewhere.
     * Overwrites {@code dx}.
     *
     * @param dy     {@code [B, F]}
     * @param argmax {@code [B, F]} from the forward pass
     * @param dx     {@code [T, B, F]}
     */
    void maxPoolBackward(A dy, int[] argmax, int steps, int batch, int width, A dx);

    /**
     * Attention weights: {@code s[t, b] = u[t, b] · q} and {@code α[·, b] = softmax(s[·, b])} over
     * {@code t < len_b}; {@code α[t, b] = 0} exactly on padding. Overwrites {@code alpha}.
     *
     * @param u     {@code [T, B, A]}
     * @param q     {@code [A]}
     * @param alpha {@code [T, B]}
     */
    void attentionWeights(A u, A q, int steps, int batch, int size, int[] lengths, A alpha);

    /**
     * Gradient of {@link #attentionWeights}: {@code ds = α ⊙ (dα − Σ_t α dα)} per sequence,
     * {@code du[t, b] = ds[t, b] q} (exactly 0 on padding) and {@code dq += Σ_{t,b} ds[t, b] u[t, b]}.
     * Overwrites {@code du}; adds into {@code dq}.
     *
     * @param u      {@code [T, B, A]}
     * @param q      {@code [A]}
     * @param alpha  {@code [T, B]} from the forward pass
     * @param dAlpha {@code [T, B]}
     * @param du     {@code [T, B, A]}
     * @param dq     {@code [A]}
     */
    void attentionWeightsBackward(A u, A q, A alpha, A dAlpha, int steps, int batch, int size, int[] lengths,
                                  A du, A dq);

    /**
     * Weighted sum over time: {@code y[b] = Σ_{t<len_b} α[t, b] x[t, b]}. Overwrites {@code y}.
     *
     * @param alpha {@code [T, B]}
     * @param x     {@code [T, B, F]}
     * @param y     {@code [B, F]}
     */
    void weightedSum(A alpha, A x, int steps, int batch, int width, int[] lengths, A y);

    /**
     * Gradient of {@link #weightedSum}: {@code dα[t, b] = dy[b] · x[t, b]} and
     * {@code dx[t, b] = α[t, b] dy[b]} for {@code t < len_b}, both exactly 0 on padding. Overwrites
     * {@code dAlpha} and {@code dx}.
     *
     * @param alpha  {@code [T, B]}
     * @param x      {@code [T, B, F]}
     * @param dy     {@code [B, F]}
     * @param dAlpha {@code [T, B]}
     * @param dx     {@code [T, B, F]}
     */
    void weightedSumBackward(A alpha, A x, A dy, int steps, int batch, int width, int[] lengths, A dAlpha, A dx);

    /**
     * Layer normalisation of each of {@code rows} rows of {@code width}: {@code μ} and the biased
     * variance {@code σ²} of the row, {@code rstd = 1/sqrt(σ² + eps)},
     * {@code x̂ = (x − μ)·rstd} and {@code y = x̂ ⊙ weight + bias} ({@code y = x̂} when {@code weight}
     * is null). Overwrites {@code xhat}, {@code rstd} and {@code y}.
     *
     * @param x      {@code [N, F]}
     * @param eps    added to the variance
     * @param weight {@code [F]}, or null without the affine parameters
     * @param bias   {@code [F]}, or null without the affine parameters
     * @param xhat   {@code [N, F]}: the normalised rows, kept for the backward pass
     * @param rstd   {@code [N]}
     * @param y      {@code [N, F]}
     */
    void layerNorm(A x, int rows, int width, double eps, A weight, A bias, A xhat, A rstd, A y);

    /**
     * Gradient of {@link #layerNorm}: with {@code g = dy ⊙ weight} ({@code g = dy} without weight),
     * {@code dx = rstd·(g − mean(g) − x̂·mean(g ⊙ x̂))} per row; {@code dWeight += Σ_rows dy ⊙ x̂} and
     * {@code dBias += Σ_rows dy}. Overwrites {@code dx}; adds into {@code dWeight} and {@code dBias}
     * (both ignored when {@code weight} is null).
     *
     * @param xhat    {@code [N, F]} from the forward pass
     * @param rstd    {@code [N]} from the forward pass
     * @param dy      {@code [N, F]}
     * @param weight  {@code [F]}, or null
     * @param dWeight {@code [F]}, or null
     * @param dBias   {@code [F]}, or null
     * @param dx      {@code [N, F]}
     */
    void layerNormBackward(A xhat, A rstd, A dy, int rows, int width, A weight, A dWeight, A dBias, A dx);

    /**
     * An elementwise activation {@code y = f(x)} of {@code n} elements: tanh, relu
     * {@code max(x, 0)} or the logistic sigmoid {@code 1/(1 + e^{−x})}. Overwrites {@code y}
     * (which may be {@code x} itself).
     */
    void activate(Activation.Kind kind, A x, int n, A y);

    /**
     * Gradient of {@link #activate} from its output {@code y}: tanh {@code dy·(1 − y²)}, relu
     * {@code dy·[y > 0]} (0 at 0), sigmoid {@code dy·y·(1 − y)}. Overwrites {@code dx}.
     */
    void activateBackward(Activation.Kind kind, A y, A dy, int n, A dx);
}
