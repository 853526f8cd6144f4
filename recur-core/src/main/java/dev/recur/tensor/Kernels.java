package dev.recur.tensor;

/**
 * The numeric kernels recur computes with, for one array type {@code A} ({@code double[]} or
 * {@code float[]}).
 *
 * <p>Every kernel writes into an explicit output argument and its Javadoc says which argument it
 * modifies; nothing else is touched. Offsets and leading dimensions are in elements. Matrices are
 * row-major. Methods take no scalar floating-point arguments, so the float32 implementation can be
 * generated mechanically from the float64 one (see {@code DoubleKernels}).
 *
 * <p>Implementations are thread-safe: they keep no state between calls (the vectorised kernels'
 * scratch is per thread, and their {@link Parallel} team serves concurrent callers), so concurrent
 * calls are safe as long as they write different arrays.
 *
 * @param <A> the array type: {@code double[]} or {@code float[]}
 */
public interface Kernels<A> {

    /** A new zero-filled array of {@code n} elements. */
    A alloc(int n);

    /** Number of elements of {@code a}. */
    int length(A a);

    /**
     * General matrix multiply: {@code C = op(A)·op(B)}, or {@code C += op(A)·op(B)} when
     * {@code accumulate} is true. {@code op(A)} is {@code [m, k]}, {@code op(B)} is {@code [k, n]}
     * and {@code C} is {@code [m, n]}. {@code transA} means {@code a} holds {@code A} as
     * {@code [k, m]} (so {@code op(A) = Aᵀ}); likewise {@code transB} for {@code [n, k]}.
     * Modifies only {@code c[cOff ..]} (the {@code m} rows of {@code n} elements at stride {@code ldc}).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              A a, int aOff, int lda, A b, int bOff, int ldb,
              boolean accumulate, A c, int cOff, int ldc);

    /**
     * Prepares {@code B} for repeated use as the right-hand side of
     * {@link #gemm(boolean, int, int, int, Object, int, int, PackedMatrix, boolean, Object, int, int)}:
     * {@code B} is {@code [k, n]}, or held as {@code [n, k]} when {@code transB}. Reuses
     * {@code reuse} (which it returns) when it is not null; modifies only {@code reuse}.
     */
    PackedMatrix<A> pack(boolean transB, int k, int n, A b, int bOff, int ldb, PackedMatrix<A> reuse);

    /**
     * {@code C = op(A)·B} or {@code C += op(A)·B} with a packed {@code B} ({@code [k, n]}); otherwise
     * as {@link #gemm(boolean, boolean, int, int, int, Object, int, int, Object, int, int, boolean,
     * Object, int, int) gemm}. Modifies only {@code c}.
     */
    void gemm(boolean transA, int m, int n, int k, A a, int aOff, int lda, PackedMatrix<A> b,
              boolean accumulate, A c, int cOff, int ldc);

    /**
     * {@code C = op(A)·B + 1·biasᵀ}: the packed product with {@code bias[0 .. n)} (not null, not
     * overlapping {@code C}) added to every row; equal up to rounding to {@code gemm(…, accumulate =
     * false, …)} followed by adding {@code bias} to each of the {@code m} rows (the vectorised kernels
     * start each tile of {@code C} from the bias, while it is in cache). Modifies only {@code c[cOff ..]}
     * (the {@code m} rows of {@code n} elements at stride {@code ldc}).
     */
    void gemmBias(boolean transA, int m, int n, int k, A a, int aOff, int lda, PackedMatrix<A> b, A bias,
                  A c, int cOff, int ldc);

    /** Whether these are the vectorised (fast) kernels rather than the plain reference ones. */
    boolean vectorized();

    /** The number of threads the kernels split large products over. */
    int threads();

    /** The thread team the kernels split work over ({@link Parallel#SERIAL} for one thread). */
    Parallel parallel();

    /** The same kernels on the calling thread only, for work that is already split over the team. */
    Kernels<A> serial();

    /** {@code out[r][j] += v[j]} for the {@code rows} rows of {@code cols} elements at {@code out[outOff ..]}. Modifies {@code out}. */
    void addRowVector(A v, int rows, int cols, A out, int outOff);

    /** {@code out[j] += Σ_r in[r][j]} over {@code rows} rows of {@code cols} elements at {@code in[inOff ..]}. Modifies {@code out}. */
    void addColumnSums(A in, int inOff, int rows, int cols, A out);

    /** {@code dst[dstOff + i] += src[srcOff + i]} for {@code i < n}. Modifies {@code dst}. */
    void addInto(A src, int srcOff, A dst, int dstOff, int n);

    /** {@code dst[dstOff + i] *= src[srcOff + i]} for {@code i < n}. Modifies {@code dst}. */
    void multiplyInto(A src, int srcOff, A dst, int dstOff, int n);

    /** Sets {@code a[off .. off+n)} to zero. Modifies {@code a}. */
    void zero(A a, int off, int n);

    /** Copies {@code n} elements from {@code src[srcOff ..]} to {@code dst[dstOff ..]}. Modifies {@code dst}. */
    void copy(A src, int srcOff, A dst, int dstOff, int n);

    /** Index of the first NaN or infinite element of {@code a[off .. off+n)}, or {@code -1}. */
    int firstNonFinite(A a, int off, int n);
}
