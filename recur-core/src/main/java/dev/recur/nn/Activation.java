package dev.recur.nn;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.Locale;

/**
 * An elementwise activation function on any activations (per step or per sequence, padding rows
 * included); the shape and the lengths are kept. It has no parameters.
 *
 * <pre>
 * TANH     y = tanh(x)            dx = dy·(1 − y²)
 * RELU     y = max(x, 0)          dx = dy·[x > 0]      (0 at x = 0, as PyTorch)
 * SIGMOID  y = 1/(1 + e^{−x})     dx = dy·y·(1 − y)
 * </pre>
 *
 * <p>Not thread-safe: {@link #forward(Activations)} keeps what the backward pass needs, so one
 * forward/backward at a time. {@link #forward(Object, int, Object)} keeps nothing and may run on
 * several threads at once.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class Activation<A> extends Module<A> implements Layer<A, Activations<A>, Activations<A>> {

    /** The function applied to every element. */
    public enum Kind {
        /** The hyperbolic tangent. */
        TANH("tanh"),
        /** The rectifier {@code max(x, 0)}. */
        RELU("relu"),
        /** The logistic sigmoid {@code 1/(1 + e^{−x})}. */
        SIGMOID("sigmoid");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name in configurations and files: {@code tanh}, {@code relu} or {@code sigmoid}. */
        public String id() {
            return id;
        }

        /**
         * The kind named {@code id}.
         *
         * @param id {@code tanh}, {@code relu} or {@code sigmoid} (case-insensitive)
         * @return the kind
         * @throws IllegalArgumentException for any other name
         */
        public static Kind fromId(String id) {
            for (Kind k : values()) {
                if (k.id.equals(id == null ? null : id.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("activation: expected one of tanh, relu, sigmoid, found '" + id
                    + "'; likely cause: a misspelt name");
        }
    }

    private final Kind kind;
    private final Kernels<A> k;
    private final LayerKernels<A> lk;

    /** The input of the last forward pass (its arrangement), or null when there is nothing to back-propagate. */
    private Activations<A> input;
    /** The output values of the last forward pass: every derivative is written in terms of them. */
    private A output;

    /**
     * An activation layer.
     *
     * @param precision the precision
     * @param kind      the function
     */
    public Activation(Precision<A> precision, Kind kind) {
        super(precision);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
        this.k = precision.kernels();
        this.lk = LayerKernels.of(precision);
    }

    /** The function. */
    public Kind kind() {
        return kind;
    }

    /**
     * Applies the function to every element; keeps the output for the backward pass.
     *
     * @param x any activations
     * @return a new array in the same arrangement, lengths kept
     */
    @Override
    public Activations<A> forward(Activations<A> x) {
        int n = x.rows() * x.width();
        A y = k.alloc(n);
        // y = f(x)
        lk.activate(kind, x.values(), n, y);
        input = x;
        output = y;
        return x.with(y, x.width());
    }

    /**
     * Applies the function to {@code n} values, keeping nothing (inference, e.g. a streaming
     * session). Modifies only {@code y}.
     *
     * @param x {@code [n]}
     * @param n the count
     * @param y {@code [n]}: overwritten with {@code f(x)}
     */
    public void forward(A x, int n, A y) {
        // y = f(x)
        lk.activate(kind, x, n, y);
    }

    /**
     * Back-propagates {@code dy} through the function.
     *
     * @param dy shaped as the output of the last forward pass
     * @return a new array: the gradient of its input, with its lengths
     * @throws IllegalStateException without a forward pass to back-propagate
     * @throws IllegalArgumentException for a gradient of another shape
     */
    @Override
    public Activations<A> backward(Activations<A> dy) {
        if (input == null) {
            throw LayerShapes.noForward(kind.id() + " activation");
        }
        LayerShapes.requireSameShape(kind.id() + " activation output gradient", input, dy);
        Activations<A> x = input;
        int n = x.rows() * x.width();
        A dx = k.alloc(n);
        // dx = dy·f'(x), written with y = f(x)
        lk.activateBackward(kind, output, dy.values(), n, dx);
        input = null;
        output = null;
        return x.with(dx, x.width());
    }

    @Override
    public String toString() {
        return "Activation(" + kind.id() + ", " + precision() + ")";
    }
}
