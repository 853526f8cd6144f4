package dev.recur.nn;

import dev.recur.tensor.Kernels;
import dev.recur.tensor.Precision;
import java.util.Arrays;

/**
 * Concatenation of two per-step inputs along the feature axis, e.g. numeric features beside token
 * embeddings: {@code [T, B, F1]} and {@code [T, B, F2]} of the same sequences give
 * {@code [T, B, F1+F2]}, the first input's columns first. Not a {@link Layer} (it has two inputs);
 * it has no parameters.
 *
 * <pre>
 * forward:  y[t, b] = [x1[t, b], x2[t, b]]
 * backward: dx1[t, b] = dy[t, b, :F1],  dx2[t, b] = dy[t, b, F1:]
 * </pre>
 *
 * <p>Not thread-safe: one forward/backward at a time (it keeps its inputs for the backward pass).
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class Concat<A> extends Module<A> {

    /**
     * The gradients of the two inputs of {@link #forward}.
     *
     * @param first  {@code [T, B, F1]}, with the first input's lengths
     * @param second {@code [T, B, F2]}, with the second input's lengths
     * @param <A>    the array type
     */
    public record Gradients<A>(Activations<A> first, Activations<A> second) {
    }

    private final Kernels<A> k;
    /** The inputs of the last forward pass, or null when there is nothing to back-propagate. */
    private Activations<A> first;
    private Activations<A> second;

    /**
     * A concatenation.
     *
     * @param precision the precision
     */
    public Concat(Precision<A> precision) {
        super(precision);
        this.k = precision.kernels();
    }

    /**
     * Concatenates the rows of two per-step inputs of the same sequences.
     *
     * @param first  {@code [T, B, F1]}
     * @param second {@code [T, B, F2]}: the same {@code T}, {@code B} and lengths (no lengths counts
     *               as every length {@code T})
     * @return {@code [T, B, F1+F2]} with the lengths of the inputs
     * @throws IllegalArgumentException for an input with one row per sequence, or inputs of different
     *                                  {@code T}, {@code B} or lengths
     */
    public Activations<A> forward(Activations<A> first, Activations<A> second) {
        first.require("concat first input", true, -1);
        second.require("concat second input", true, -1);
        if (first.steps() != second.steps() || first.batch() != second.batch()) {
            throw new IllegalArgumentException("concat second input: expected [T, B] = [" + first.steps() + ", "
                    + first.batch() + "] as the first input, found " + second.describe()
                    + "; likely cause: inputs from different batches");
        }
        for (int b = 0; b < first.batch(); b++) {
            if (first.length(b) != second.length(b)) {
                throw new IllegalArgumentException("concat second input: expected the lengths of the first input "
                        + lengths(first) + ", found " + lengths(second)
                        + "; likely cause: inputs from different batches");
            }
        }
        int rows = first.rows();
        int f1 = first.width();
        int f2 = second.width();
        int out = Math.addExact(f1, f2);
        A y = k.alloc(Math.multiplyExact(rows, out));
        for (int r = 0; r < rows; r++) {
            // y[r] = [x1[r], x2[r]]
            k.copy(first.values(), r * f1, y, r * out, f1);
            k.copy(second.values(), r * f2, y, r * out + f1, f2);
        }
        this.first = first;
        this.second = second;
        return new Activations<>(y, first.steps(), first.batch(), out,
                first.lengths() != null ? first.lengths() : second.lengths());
    }

    /**
     * Splits the gradient of the output of the last {@link #forward} between its two inputs.
     *
     * @param dOut {@code [T, B, F1+F2]}
     * @return the two input gradients, in new arrays
     * @throws IllegalStateException without a forward pass to back-propagate
     * @throws IllegalArgumentException for a gradient of another shape
     */
    public Gradients<A> backward(Activations<A> dOut) {
        if (first == null) {
            throw LayerShapes.noForward("concat");
        }
        int f1 = first.width();
        int f2 = second.width();
        int out = f1 + f2;
        LayerShapes.requireShape("concat output gradient", first.steps(), first.batch(), out, dOut);
        int rows = first.rows();
        A d1 = k.alloc(rows * f1);
        A d2 = k.alloc(rows * f2);
        for (int r = 0; r < rows; r++) {
            // y[r] = [x1[r], x2[r]]:  dx2[r] = dy[r, F1:],  dx1[r] = dy[r, :F1]
            k.copy(dOut.values(), r * out + f1, d2, r * f2, f2);
            k.copy(dOut.values(), r * out, d1, r * f1, f1);
        }
        Gradients<A> g = new Gradients<>(first.with(d1, f1), second.with(d2, f2));
        first = null;
        second = null;
        return g;
    }

    private static String lengths(Activations<?> a) {
        return a.lengths() == null ? "(none: all " + a.steps() + ")" : Arrays.toString(a.lengths());
    }

    @Override
    public String toString() {
        return "Concat(" + precision() + ")";
    }
}
