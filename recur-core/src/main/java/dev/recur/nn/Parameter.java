package dev.recur.nn;

import dev.recur.tensor.Kernels;
import java.util.Arrays;

/**
 * A trainable tensor: its value and the gradient accumulated into it by backward passes.
 *
 * <p>The {@link #name()} is the PyTorch {@code state_dict} name (for example
 * {@code weight_hh_l0_reverse}); it labels the tensor in files and messages. Code inside recur
 * reaches a parameter through typed fields, never by looking up its name.
 *
 * <p>Not thread-safe: training writes the value and the gradient in place; several threads may read
 * the value while nothing writes it.
 *
 * @param <A> the array type ({@code double[]} or {@code float[]})
 */
public final class Parameter<A> {

    private final String name;
    private final int[] shape;
    private final A value;
    private final A grad;

    /**
     * A zero-valued parameter of the given shape.
     *
     * @param kernels the kernels of the parameter's precision (used to allocate)
     * @param name    the PyTorch state_dict name
     * @param shape   the shape, row-major
     */
    public Parameter(Kernels<A> kernels, String name, int... shape) {
        this.name = name;
        this.shape = shape.clone();
        int size = 1;
        for (int d : shape) {
            size = Math.multiplyExact(size, d);
        }
        this.value = kernels.alloc(size);
        this.grad = kernels.alloc(size);
    }

    /** The PyTorch state_dict name, e.g. {@code weight_ih_l0}. */
    public String name() {
        return name;
    }

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public int size() {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        return size;
    }

    /** The value, shared (not a copy): writing to it changes the parameter. */
    public A value() {
        return value;
    }

    /** The accumulated gradient, shared (not a copy); backward passes add into it. */
    public A grad() {
        return grad;
    }

    /**
     * The row-major multi-index of one element of a tensor, for messages: element {@code 2*H + 5} of
     * a {@code [V, H]} tensor is {@code [2, 5]}.
     *
     * @param shape the tensor's shape
     * @param flat  the element's position in row-major order
     * @return the index in brackets
     */
    public static String index(int[] shape, long flat) {
        long[] index = new long[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = Math.max(1, shape[d]);
            index[d] = rest % n;
            rest /= n;
        }
        return Arrays.toString(index);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
