package dev.recur.tensor;

/**
 * The right-hand operand {@code B} ({@code [k, n]}) of a matrix product, prepared once by
 * {@link Kernels#pack} and then reused by many {@link Kernels#gemm(boolean, int, int, int, Object,
 * int, int, PackedMatrix, boolean, Object, int, int) gemm} calls, e.g. a recurrent weight matrix
 * used at every time step.
 *
 * <p>The reference kernels only remember where {@code B} is; the vectorised kernels copy it into
 * column panels that their inner loop reads contiguously. A packed matrix refers to or copies the
 * values at packing time: pack again after the source changes.
 *
 * <p>Not thread-safe while it is being packed; once packed, any number of threads may read it in
 * products, as long as its source does not change.
 *
 * @param <A> the array type
 */
public final class PackedMatrix<A> {
    int k;
    int n;
    A source;
    int offset;
    int ld;
    boolean transposed;
    /** Vectorised kernels: panels of {@code panelWidth} columns, each {@code [k, panelWidth]}; else null. */
    A panels;
    int panelWidth;

    PackedMatrix() {
    }

    /** Rows {@code k} of {@code B} (the inner dimension of the product). */
    public int k() {
        return k;
    }

    /** Columns {@code n} of {@code B}. */
    public int n() {
        return n;
    }
}
