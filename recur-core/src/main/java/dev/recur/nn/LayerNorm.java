package dev.recur.nn;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;

/**
 * Layer normalisation over the feature axis of every row, PyTorch's
 * {@code nn.LayerNorm(F, eps=1e-5)}: per step or per sequence, padding rows included; the shape and
 * the lengths are kept.
 *
 * <pre>
 * forward:  μ = mean_j x_j,  σ² = mean_j (x_j − μ)²  (biased),  x̂ = (x − μ)/sqrt(σ² + eps),  y = x̂ ⊙ weight + bias
 * backward: dweight += Σ_rows dy ⊙ x̂,  dbias += Σ_rows dy,  g = dy ⊙ weight,
 *           dx = (g − mean_j g − x̂·mean_j(g ⊙ x̂)) / sqrt(σ² + eps)
 * </pre>
 *
 * <p>The parameters are {@code weight [F]} (initially 1) and {@code bias [F]} (initially 0), in
 * that order; without the elementwise affine transform ({@code elementwise_affine=False}) there are
 * none and {@code y = x̂}.
 *
 * <p>Not thread-safe: {@link #forward(Activations)} keeps what the backward pass needs, so one
 * forward/backward at a time. {@link #forward(Object, int, Object, Object, Object)} keeps nothing
 * (its scratch is the caller's) and may run on several threads at once while the weights are not
 * being trained.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class LayerNorm<A> extends Module<A> implements Layer<A, Activations<A>, Activations<A>> {

    /** The {@code eps} added to the variance, PyTorch's default. */
    public static final double EPS = 1e-5;

    private final Kernels<A> k;
    private final LayerKernels<A> lk;
    private final int width;
    /** {@code [F]}, or null without the affine transform. */
    private final Parameter<A> weight;
    /** {@code [F]}, or null without the affine transform. */
    private final Parameter<A> bias;

    /** The input of the last forward pass (its arrangement), or null when there is nothing to back-propagate. */
    private Activations<A> input;
    /** {@code [N, F]} normalised rows of the last forward pass. */
    private A xhat;
    /** {@code [N]} {@code 1/sqrt(σ² + eps)} of the last forward pass. */
    private A rstd;

    /**
     * Layer normalisation with the affine parameters {@code weight} (1) and {@code bias} (0).
     *
     * @param precision the precision
     * @param width     {@code F >= 1}: the normalised width
     */
    public LayerNorm(Precision<A> precision, int width) {
        this(precision, width, true);
    }

    /**
     * Layer normalisation with or without the affine parameters.
     *
     * @param precision         the precision
     * @param width             {@code F >= 1}: the normalised width
     * @param elementwiseAffine whether there are the parameters {@code weight} (1) and {@code bias} (0)
     * @throws IllegalArgumentException for {@code F < 1}
     */
    public LayerNorm(Precision<A> precision, int width, boolean elementwiseAffine) {
        super(precision);
        if (width < 1) {
            throw new IllegalArgumentException("layer norm: expected a width F >= 1, found " + width);
        }
        this.k = precision.kernels();
        this.lk = LayerKernels.of(precision);
        this.width = width;
        if (elementwiseAffine) {
            this.weight = addParameter(new Parameter<>(k, "weight", width));
            k.copy(precision.filled(width, 1), 0, weight.value(), 0, width);
            this.bias = addParameter(new Parameter<>(k, "bias", width));
        } else {
            this.weight = null;
            this.bias = null;
        }
    }

    /** {@code F}: the normalised width. */
    public int width() {
        return width;
    }

    /** Whether the layer has the affine parameters {@code weight} and {@code bias}. */
    public boolean elementwiseAffine() {
        return weight != null;
    }

    /** The scale {@code [F]}, or null without the affine parameters. */
    public Parameter<A> weight() {
        return weight;
    }

    /** The shift {@code [F]}, or null without the affine parameters. */
    public Parameter<A> bias() {
        return bias;
    }

    /**
     * Normalises every row; keeps what the backward pass needs.
     *
     * @param x any activations of width {@code F}, per step or per sequence
     * @return the same arrangement, lengths kept
     * @throws IllegalArgumentException for another width
     */
    @Override
    public Activations<A> forward(Activations<A> x) {
        x.require("layer norm input", null, width);
        input = null;
        int rows = x.rows();
        A y = k.alloc(rows * width);
        xhat = k.alloc(rows * width);
        rstd = k.alloc(rows);
        // y = (x − μ)/sqrt(σ² + eps) ⊙ weight + bias
        lk.layerNorm(x.values(), rows, width, EPS, weight == null ? null : weight.value(),
                bias == null ? null : bias.value(), xhat, rstd, y);
        input = x;
        return x.with(y, width);
    }

    /**
     * Normalises {@code rows} rows of {@code x} into {@code y}, keeping nothing (inference, e.g. a
     * streaming session). Modifies only {@code y}, {@code xhat} and {@code rstd}.
     *
     * @param x    {@code [rows, F]}
     * @param rows the rows
     * @param y    {@code [rows, F]}: overwritten with the result
     * @param xhat {@code [rows, F]}: scratch, overwritten with the normalised rows
     * @param rstd {@code [rows]}: scratch, overwritten with {@code 1/sqrt(σ² + eps)}
     */
    public void forward(A x, int rows, A y, A xhat, A rstd) {
        // y = (x − μ)/sqrt(σ² + eps) ⊙ weight + bias
        lk.layerNorm(x, rows, width, EPS, weight == null ? null : weight.value(), bias == null ? null : bias.value(),
                xhat, rstd, y);
    }

    /**
     * Back-propagates {@code dy}; adds into the gradients of {@code weight} and {@code bias}.
     *
     * @param dy shaped as the output of the last forward pass
     * @return the gradient of its input, with its lengths
     * @throws IllegalStateException without a forward pass to back-propagate
     * @throws IllegalArgumentException for a gradient of another shape
     */
    @Override
    public Activations<A> backward(Activations<A> dy) {
        if (input == null) {
            throw LayerShapes.noForward("layer norm");
        }
        LayerShapes.requireSameShape("layer norm output gradient", input, dy);
        Activations<A> x = input;
        int rows = x.rows();
        A dx = k.alloc(rows * width);
        // dweight += Σ dy ⊙ x̂,  dbias += Σ dy,  dx = rstd·(g − mean(g) − x̂·mean(g ⊙ x̂)),  g = dy ⊙ weight
        lk.layerNormBackward(xhat, rstd, dy.values(), rows, width, weight == null ? null : weight.value(),
                weight == null ? null : weight.grad(), bias == null ? null : bias.grad(), dx);
        input = null;
        xhat = null;
        rstd = null;
        return x.with(dx, width);
    }

    @Override
    public String toString() {
        return "LayerNorm(F=" + width + (weight == null ? ", no affine" : "") + ", " + precision() + ")";
    }
}
