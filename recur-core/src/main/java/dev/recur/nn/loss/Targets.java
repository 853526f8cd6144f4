package dev.recur.nn.loss;

import java.util.Arrays;

/**
 * What a model's output rows are trained towards: one class id per row ({@link Classes}) or
 * {@code width} real values per row ({@link Values}). Rows are those of the output
 * ({@link dev.recur.nn.Activations#rows()}): per step, row {@code t*B + b}. The arrays are kept as
 * given, not copied: do not modify them while a loss or metric reads them.
 *
 * <p>Safe to share between threads as long as no one writes into the arrays.
 */
public sealed interface Targets permits Targets.Classes, Targets.Values {

    /** PyTorch's default {@code ignore_index}: a row whose class id is this does not count. */
    int IGNORE_INDEX = -100;

    /**
     * The number of rows.
     *
     * @return {@code N}
     */
    int rows();

    /**
     * One class id per row; a row whose id is a loss's ignore index (default {@link #IGNORE_INDEX})
     * does not count.
     *
     * @param ids {@code [N]} class ids in {@code 0..C-1}, or the ignore index
     */
    record Classes(int[] ids) implements Targets {

        /**
         * Checks that there is at least one id.
         *
         * @param ids the ids
         * @throws IllegalArgumentException if {@code ids} is null or empty
         */
        public Classes {
            if (ids == null || ids.length == 0) {
                throw new IllegalArgumentException("class targets: expected at least one id, found "
                        + (ids == null ? "null" : "none") + "; likely cause: an empty batch");
            }
        }

        @Override
        public int rows() {
            return ids.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Classes c && Arrays.equals(ids, c.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Classes[" + ids.length + " ids]";
        }
    }

    /**
     * {@code width} real values per row, row-major {@code [N, width]}.
     *
     * @param values {@code [N, width]}
     * @param width  the values per row, {@code >= 1}
     */
    record Values(double[] values, int width) implements Targets {

        /**
         * Checks the shape.
         *
         * @param values the values
         * @param width  the values per row
         * @throws IllegalArgumentException if {@code width < 1} or the length is not a positive multiple of it
         */
        public Values {
            if (width < 1) {
                throw new IllegalArgumentException("value targets: expected width >= 1, found " + width);
            }
            if (values == null || values.length == 0 || values.length % width != 0) {
                throw new IllegalArgumentException("value targets: expected N rows of width " + width
                        + " (a positive multiple of " + width + " values), found "
                        + (values == null ? "null" : values.length + " values")
                        + "; likely cause: a width that does not describe the array, or an empty batch");
            }
        }

        @Override
        public int rows() {
            return values.length / width;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Values v && width == v.width && Arrays.equals(values, v.values);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(values) + width;
        }

        @Override
        public String toString() {
            return "Values[" + rows() + " rows of width " + width + "]";
        }
    }
}
