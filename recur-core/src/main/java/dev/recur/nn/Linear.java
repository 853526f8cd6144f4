package dev.recur.nn;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.SplittableRandom;

/**
 * A fully connected layer, PyTorch's {@code nn.Linear}: {@code y = x Wᵀ + b}, applied to {@code N}
 * rows at once as one matrix product: every step of a sequence ({@code N = T·B}, padding rows
 * included) or one vector per sequence ({@code N = B}).
 *
 * <pre>
 * forward:  Y[N, out] = X[N, in] · W[out, in]ᵀ + b[out]
 * backward: dW += dYᵀ X,   db += Σ_rows dY,   dX = dY W
 * </pre>
 *
 * <p>The parameters are named {@code weight} and {@code bias} as in PyTorch's {@code state_dict};
 * a model prefixes them (e.g. {@code head.weight}). {@link #forward(Object, int, Object)} and
 * {@link #backward(Object, Object, int, Object)} are the same computation on plain arrays, writing
 * into the output given.
 *
 * <p>Not thread-safe: {@link #forward(Activations)} keeps its input for the backward pass, so one
 * forward/backward at a time. {@link #forward(Object, int, Object)} keeps nothing and may run on
 * several threads at once while the weights are not being trained.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class Linear<A> extends Module<A> implements Layer<A, Activations<A>, Activations<A>> {

    private final Kernels<A> k;
    private final int in;
    private final int out;
    /** {@code [out, in]}. */
    private final Parameter<A> weight;
    /** {@code [out]}, or null without bias. */
    private final Parameter<A> bias;
    /** The input of the last {@link #forward(Activations)}, for its backward pass. */
    private Activations<A> input;

    /**
     * A layer with all parameters 0 (fill them, e.g. from a file, or use {@link #create}).
     *
     * @param precision   the precision
     * @param inFeatures  {@code in} ≥ 1
     * @param outFeatures {@code out} ≥ 1
     * @param bias        whether the layer has a bias
     */
    public Linear(Precision<A> precision, int inFeatures, int outFeatures, boolean bias) {
        super(precision);
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("linear layer: expected in_features >= 1 and out_features >= 1, found "
                    + inFeatures + " and " + outFeatures);
        }
        this.k = precision.kernels();
        this.in = inFeatures;
        this.out = outFeatures;
        this.weight = addParameter(new Parameter<>(k, "weight", outFeatures, inFeatures));
        this.bias = bias ? addParameter(new Parameter<>(k, "bias", outFeatures)) : null;
    }

    /**
     * A layer initialised as PyTorch's default: weight and bias from U(−1/√in, 1/√in).
     *
     * @param rng the generator the initial values are drawn from
     */
    public static <A> Linear<A> create(Precision<A> precision, int inFeatures, int outFeatures, boolean bias,
                                       SplittableRandom rng) {
        Linear<A> l = new Linear<>(precision, inFeatures, outFeatures, bias);
        double bound = 1 / Math.sqrt(inFeatures);
        Initializers.uniform(precision, l.weight, bound, rng);
        if (l.bias != null) {
            Initializers.uniform(precision, l.bias, bound, rng);
        }
        return l;
    }

    /** {@code in}: the input width. */
    public int inFeatures() {
        return in;
    }

    /** {@code out}: the output width. */
    public int outFeatures() {
        return out;
    }

    /** The weight {@code [out, in]}. */
    public Parameter<A> weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null if the layer has none. */
    public Parameter<A> bias() {
        return bias;
    }

    /**
     * {@code Y = X Wᵀ + b} on every row; keeps {@code x} for {@link #backward(Activations)}.
     *
     * @param x {@code [N, in]} rows, per step or per sequence
     * @return {@code [N, out]} in the same arrangement
     */
    @Override
    public Activations<A> forward(Activations<A> x) {
        x.require("linear input", null, in);
        A y = k.alloc(x.rows() * out);
        forward(x.values(), x.rows(), y);
        input = x;
        return x.with(y, out);
    }

    /**
     * Back-propagates {@code dY} of the last forward pass: {@code dW += dYᵀ X}, {@code db += Σ dY}.
     *
     * @param dy {@code [N, out]}
     * @return {@code dX = dY W}, {@code [N, in]}
     */
    @Override
    public Activations<A> backward(Activations<A> dy) {
        if (input == null) {
            throw LayerShapes.noForward("linear layer");
        }
        dy.require("linear output gradient", input.perStep(), out);
        A dx = k.alloc(input.rows() * in);
        backward(input.values(), dy.values(), input.rows(), dx);
        Activations<A> x = input;
        input = null;
        return x.with(dx, in);
    }

    /**
     * {@code Y = X Wᵀ + b}. Modifies only {@code y}.
     *
     * @param x    {@code [N, in]}
     * @param rows {@code N}
     * @param y    {@code [N, out]}: overwritten with the result
     */
    public void forward(A x, int rows, A y) {
        check(x, rows, in, "input x", "[N, in]");
        check(y, rows, out, "output y", "[N, out]");
        k.gemm(false, true, rows, out, in, x, 0, in, weight.value(), 0, in, false, y, 0, out);
        if (bias != null) {
            k.addRowVector(bias.value(), rows, out, y, 0);
        }
    }

    /**
     * Back-propagates {@code dY}: adds {@code dYᵀ X} into the weight gradient and the column sums of
     * {@code dY} into the bias gradient, and writes {@code dX = dY W}. Modifies the parameter
     * gradients and {@code dx}.
     *
     * @param x    {@code [N, in]}: the forward input
     * @param dy   {@code [N, out]}: gradient of the output
     * @param rows {@code N}
     * @param dx   {@code [N, in]}: overwritten with the gradient of the input; null to skip it
     */
    public void backward(A x, A dy, int rows, A dx) {
        check(x, rows, in, "input x", "[N, in]");
        check(dy, rows, out, "output gradient", "[N, out]");
        // Y = X Wᵀ + b:  dW += dYᵀ X,  db += Σ_rows dY,  dX = dY W
        k.gemm(true, false, out, in, rows, dy, 0, out, x, 0, in, true, weight.grad(), 0, in);
        if (bias != null) {
            k.addColumnSums(dy, 0, rows, out, bias.grad());
        }
        if (dx != null) {
            check(dx, rows, in, "input gradient", "[N, in]");
            k.gemm(false, false, rows, in, out, dy, 0, out, weight.value(), 0, in, false, dx, 0, in);
        }
    }

    private void check(A a, int rows, int cols, String what, String shape) {
        if (rows < 1) {
            throw new IllegalArgumentException("linear layer: expected N >= 1 rows, found " + rows);
        }
        long expected = (long) rows * cols;
        int found = a == null ? -1 : k.length(a);
        if (found != expected) {
            throw new IllegalArgumentException(what + ": expected " + shape + " = [" + rows + ", " + cols + "] = "
                    + expected + " values, found " + (a == null ? "null" : found)
                    + "; likely cause: a width that does not match the layer (in = " + in + ", out = " + out
                    + "), or a wrong row count");
        }
    }

    @Override
    public String toString() {
        return "Linear(" + in + " -> " + out + (bias == null ? ", no bias" : "") + ", " + precision() + ")";
    }
}
