package dev.recur.optim;

import java.util.Arrays;
import java.util.List;

/**
 * The state of an {@link Optimizer}, for checkpoints: which optimizer, how many steps it has taken,
 * and its per-parameter arrays. Values are held as {@code double[]}, which holds float32 state
 * exactly too.
 *
 * <p>Immutable and thread-safe (the list and the arrays are copied in and out).
 *
 * @param optimizer the optimizer's name: {@code sgd}, {@code adam}, {@code adamw} or {@code rmsprop}
 * @param steps     steps taken
 * @param arrays    the named arrays, in parameter order
 */
public record OptimizerState(String optimizer, long steps, List<Entry> arrays) {

    /** Validates the fields and copies the list. */
    public OptimizerState {
        if (optimizer == null || optimizer.isEmpty()) {
            throw new IllegalArgumentException("optimizer state: the optimizer name must be given");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("optimizer state: steps must be >= 0, found " + steps);
        }
        arrays = List.copyOf(arrays);
    }

    /**
     * One named array of optimizer state.
     *
     * @param name   {@code <parameter name>.<state key>}
     * @param shape  the shape (that of the parameter)
     * @param values the elements, row-major
     */
    public record Entry(String name, int[] shape, double[] values) {

        /** Checks that the shape describes the values; keeps copies of both arrays. */
        public Entry {
            long size = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(name + ": negative dimension in shape " + Arrays.toString(shape));
                }
                size *= d;
            }
            if (size != values.length) {
                throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " has " + size
                        + " elements, found " + values.length + " values");
            }
            shape = shape.clone();
            values = values.clone();
        }

        /** The shape (a copy). */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The values (a copy). */
        @Override
        public double[] values() {
            return values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && Arrays.equals(shape, e.shape)
                    && Arrays.equals(values, e.values);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }
}
