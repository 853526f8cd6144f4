package dev.recur.nn;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Pooling over time that respects the sequences' lengths: one row per step {@code [T, B, F]} in,
 * one row per sequence {@code [B, F]} out. Only the steps {@code t < len_b} of sequence {@code b}
 * count; padding steps do not change the output and receive exactly 0 gradient. Without lengths
 * every sequence has {@code T} steps.
 *
 * <pre>
 * LAST       D = 1: y = x[len−1]
 *            D = 2: y = [x[len−1, :F/2], x[0, F/2:]]   (PyTorch's h_n of both directions)
 * MEAN       y = Σ_{t&lt;len} x[t] / len
 * MAX        y_j = max_{t&lt;len} x[t]_j                  (gradient to the maximising step, the first on ties)
 * ATTENTION  u_t = tanh(W_p x_t + b_p)  [A],  s_t = u_t · q,  α = softmax_{t&lt;len}(s),  y = Σ_{t&lt;len} α_t x_t
 * </pre>
 *
 * <p>{@code A} is the attention size. Attention pooling has the child {@code proj}, a
 * {@link Linear} {@code F → A} (parameters {@code proj.weight [A, F]} and {@code proj.bias [A]}),
 * and its own parameter {@code query [A]}; as in PyTorch's {@code named_parameters()}, the
 * module's own parameter comes first: {@code query, proj.weight, proj.bias}. The other kinds have
 * no parameters. The projection is computed on every row, padding included (the rows must be
 * finite, as every layer of recur leaves them), but only valid steps get a score.
 *
 * <p>Not thread-safe: one forward/backward at a time (it keeps its input and, for attention, its
 * weights for the backward pass).
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class Pooling<A> extends Module<A> implements Layer<A, Activations<A>, Activations<A>> {

    /** How the steps of a sequence are combined. */
    public enum Kind {
        /** The last valid step (per direction). */
        LAST("last"),
        /** The mean of the valid steps. */
        MEAN("mean"),
        /** The elementwise maximum of the valid steps. */
        MAX("max"),
        /** A softmax-weighted sum of the valid steps, with a learnt query. */
        ATTENTION("attention");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name in configurations and files: {@code last}, {@code mean}, {@code max} or {@code attention}. */
        public String id() {
            return id;
        }

        /**
         * The kind named {@code id}.
         *
         * @param id {@code last}, {@code mean}, {@code max} or {@code attention} (case-insensitive)
         * @return the kind
         * @throws IllegalArgumentException for any other name
         */
        public static Kind fromId(String id) {
            for (Kind k : values()) {
                if (k.id.equals(id == null ? null : id.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("pooling kind: expected one of last, mean, max, attention, found '"
                    + id + "'; likely cause: a misspelt name");
        }
    }

    private final Kind kind;
    private final Kernels<A> k;
    private final LayerKernels<A> lk;
    private final int width;
    private final int directions;
    private final int attentionSize;
    /** The projection {@code F → A} of attention pooling, else null. */
    private final Linear<A> proj;
    /** The query {@code [A]} of attention pooling, else null. */
    private final Parameter<A> query;

    /** The input of the last forward pass, or null when there is nothing to back-propagate. */
    private Activations<A> input;
    /** MAX: {@code [B, F]} maximising steps of the last forward pass. */
    private int[] argmax;
    /** ATTENTION: {@code [T, B, A]} tanh of the projection, of the last forward pass. */
    private A u;
    /** ATTENTION: {@code [T, B]} weights of the last forward pass. */
    private A alpha;

    private Pooling(Precision<A> precision, Kind kind, int width, int directions, int attentionSize,
                    SplittableRandom rng) {
        super(precision);
        if (width < 1) {
            throw new IllegalArgumentException(kind.id() + " pooling: expected a width F >= 1, found " + width);
        }
        this.kind = kind;
        this.k = precision.kernels();
        this.lk = LayerKernels.of(precision);
        this.width = width;
        this.directions = directions;
        this.attentionSize = attentionSize;
        if (kind == Kind.ATTENTION) {
            // own parameters come before children in namedParameters(), as in PyTorch: query, proj.weight, proj.bias
            this.proj = addChild("proj", Linear.create(precision, width, attentionSize, true, rng));
            this.query = addParameter(new Parameter<>(k, "query", attentionSize));
            Initializers.normal(precision, query, 1 / Math.sqrt(attentionSize), rng);
        } else {
            this.proj = null;
            this.query = null;
        }
    }

    /**
     * Last-step pooling: the last valid step of each sequence, per direction.
     *
     * @param precision  the precision
     * @param width      {@code F}: the input width ({@code D·H} of a recurrent layer)
     * @param directions {@code D}: 1, or 2 for a bidirectional input whose columns {@code 0..F/2−1}
     *                   run forwards and {@code F/2..F−1} backwards ({@code F} even)
     * @param <A>        the array type
     * @return the layer
     * @throws IllegalArgumentException for {@code D} other than 1 or 2, or an odd {@code F} with {@code D = 2}
     */
    public static <A> Pooling<A> last(Precision<A> precision, int width, int directions) {
        if (directions != 1 && directions != 2) {
            throw new IllegalArgumentException("last pooling: expected D = 1 or 2 directions, found " + directions);
        }
        if (directions == 2 && width % 2 != 0) {
            throw new IllegalArgumentException("last pooling of 2 directions: expected an even width F (forward "
                    + "half, backward half), found F = " + width + "; likely cause: the width of one direction "
                    + "given instead of D·H");
        }
        return new Pooling<>(precision, Kind.LAST, width, directions, 0, null);
    }

    /**
     * Mean pooling: the mean of the valid steps.
     *
     * @param precision the precision
     * @param width     {@code F}
     * @param <A>       the array type
     * @return the layer
     */
    public static <A> Pooling<A> mean(Precision<A> precision, int width) {
        return new Pooling<>(precision, Kind.MEAN, width, 1, 0, null);
    }

    /**
     * Max pooling: the elementwise maximum of the valid steps.
     *
     * @param precision the precision
     * @param width     {@code F}
     * @param <A>       the array type
     * @return the layer
     */
    public static <A> Pooling<A> max(Precision<A> precision, int width) {
        return new Pooling<>(precision, Kind.MAX, width, 1, 0, null);
    }

    /**
     * Attention pooling with a projection {@code F → A} and a query {@code [A]}: {@code proj} is
     * initialised as {@link Linear#create} (U(−1/√F, 1/√F)), then {@code query} from N(0, 1/A), both
     * from {@code rng}.
     *
     * @param precision     the precision
     * @param width         {@code F}
     * @param attentionSize {@code A >= 1}
     * @param rng           the generator of the initial values
     * @param <A>           the array type
     * @return the layer
     * @throws IllegalArgumentException for {@code A < 1}
     */
    public static <A> Pooling<A> attention(Precision<A> precision, int width, int attentionSize,
                                           SplittableRandom rng) {
        if (attentionSize < 1) {
            throw new IllegalArgumentException("attention pooling: expected an attention size A >= 1, found "
                    + attentionSize);
        }
        return new Pooling<>(precision, Kind.ATTENTION, width, 1, attentionSize, rng);
    }

    /** The kind of pooling. */
    public Kind kind() {
        return kind;
    }

    /** {@code F}: the width of input and output. */
    public int width() {
        return width;
    }

    /** {@code D}: 2 for last-step pooling of a bidirectional input, else 1. */
    public int directions() {
        return directions;
    }

    /** {@code A}: the attention size, or 0 for the kinds other than attention. */
    public int attentionSize() {
        return attentionSize;
    }

    /** The projection {@code F → A} of attention pooling ({@code proj}), or null. */
    public Linear<A> proj() {
        return proj;
    }

    /** The query {@code [A]} of attention pooling, or null. */
    public Parameter<A> query() {
        return query;
    }

    /**
     * Pools each sequence's valid steps; keeps what the backward pass needs.
     *
     * @param x {@code [T, B, F]} per step, with or without lengths
     * @return {@code [B, F]} one row per sequence
     * @throws IllegalArgumentException for one row per sequence or another width
     */
    @Override
    public Activations<A> forward(Activations<A> x) {
        x.require(kind.id() + " pooling input", true, width);
        input = null;
        int steps = x.steps();
        int batch = x.batch();
        int[] lengths = x.lengths();
        A y = k.alloc(batch * width);
        switch (kind) {
            case LAST -> {
                int half = width / directions;
                for (int b = 0; b < batch; b++) {
                    // y[b, :F/D] = x[len−1, b, :F/D]
                    k.copy(x.values(), ((x.length(b) - 1) * batch + b) * width, y, b * width, half);
                    if (directions == 2) {
                        // y[b, F/2:] = x[0, b, F/2:]  (the backward direction ends at step 0)
                        k.copy(x.values(), b * width + half, y, b * width + half, half);
                    }
                }
            }
            // y = Σ_{t<len} x[t] / len
            case MEAN -> lk.meanPool(x.values(), steps, batch, width, lengths, y);
            case MAX -> {
                // y_j = max_{t<len} x[t]_j
                argmax = new int[batch * width];
                lk.maxPool(x.values(), steps, batch, width, lengths, y, argmax);
            }
            case ATTENTION -> {
                int size = attentionSize;
                // z_t = W_p x_t + b_p  [T, B, A]
                u = proj.forward(x).values();
                // u_t = tanh(z_t)  (in place)
                lk.activate(Activation.Kind.TANH, u, steps * batch * size, u);
                // s_t = u_t · q,  α = softmax_{t<len}(s)
                alpha = k.alloc(steps * batch);
                lk.attentionWeights(u, query.value(), steps, batch, size, lengths, alpha);
                // y = Σ_{t<len} α_t x_t
                lk.weightedSum(alpha, x.values(), steps, batch, width, lengths, y);
            }
        }
        input = x;
        return Activations.perSequence(y, batch, width);
    }

    /**
     * Back-propagates the gradient of the pooled rows to the steps they came from; attention pooling
     * adds into the gradients of {@code query}, {@code proj.weight} and {@code proj.bias}.
     *
     * @param dy {@code [B, F]}
     * @return {@code [T, B, F]} with the input's lengths; exactly 0 on padding steps
     * @throws IllegalStateException without a forward pass to back-propagate
     * @throws IllegalArgumentException for a gradient not shaped {@code [B, F]} as the output
     */
    @Override
    public Activations<A> backward(Activations<A> dy) {
        if (input == null) {
            throw LayerShapes.noForward(kind.id() + " pooling");
        }
        Activations<A> x = input;
        int steps = x.steps();
        int batch = x.batch();
        int[] lengths = x.lengths();
        LayerShapes.requireShape(kind.id() + " pooling output gradient", 0, batch, width, dy);
        A dx = k.alloc(steps * batch * width);
        switch (kind) {
            case LAST -> {
                int half = width / directions;
                for (int b = 0; b < batch; b++) {
                    if (directions == 2) {
                        // y[b, F/2:] = x[0, b, F/2:]:  dx[0, b, F/2:] = dy[b, F/2:]
                        k.copy(dy.values(), b * width + half, dx, b * width + half, half);
                    }
                    // y[b, :F/D] = x[len−1, b, :F/D]:  dx[len−1, b, :F/D] = dy[b, :F/D]
                    k.copy(dy.values(), b * width, dx, ((x.length(b) - 1) * batch + b) * width, half);
                }
            }
            // y = Σ_{t<len} x[t] / len:  dx[t] = dy / len
            case MEAN -> lk.meanPoolBackward(dy.values(), steps, batch, width, lengths, dx);
            // y_j = x[argmax_j]_j:  dx[argmax_j]_j = dy_j
            case MAX -> lk.maxPoolBackward(dy.values(), argmax, steps, batch, width, dx);
            case ATTENTION -> {
                int size = attentionSize;
                int rows = steps * batch;
                // y = Σ α_t x_t:  dα_t = dy · x_t,  dx_t = α_t dy
                A dAlpha = k.alloc(rows);
                lk.weightedSumBackward(alpha, x.values(), dy.values(), steps, batch, width, lengths, dAlpha, dx);
                // α = softmax(s), s_t = u_t · q:  du_t = ds_t q,  dq += Σ ds_t u_t
                A du = k.alloc(rows * size);
                lk.attentionWeightsBackward(u, query.value(), alpha, dAlpha, steps, batch, size, lengths, du,
                        query.grad());
                // u = tanh(z):  dz = du ⊙ (1 − u²)  (in place)
                lk.activateBackward(Activation.Kind.TANH, u, du, rows * size, du);
                // z = W_p x + b_p:  dW_p += dzᵀ x,  db_p += Σ dz,  dx += dz W_p
                A dxProj = proj.backward(x.with(du, size)).values();
                k.addInto(dxProj, 0, dx, 0, rows * width);
            }
        }
        input = null;
        argmax = null;
        u = null;
        alpha = null;
        return x.with(dx, width);
    }

    @Override
    public String toString() {
        return "Pooling(" + kind.id() + ", F=" + width + (kind == Kind.LAST ? ", D=" + directions : "")
                + (kind == Kind.ATTENTION ? ", A=" + attentionSize : "") + ", " + precision() + ")";
    }
}
