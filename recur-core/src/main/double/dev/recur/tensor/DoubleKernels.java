package dev.recur.tensor;

/**
 * Plain-Java reference kernels in float64.
 *
 * <p>This file is also the source of {@code FloatKernels}: the build generates the float32 twin by
 * replacing {@code double} with {@code float} (see recur-core's pom.xml). Write casts as
 * {@code (double)} where a float32 expression would need {@code (float)}.
 *
 * <p>Stateless and thread-safe: a call writes only the arrays and packed matrices it is given.
 */
public class DoubleKernels implements Kernels<double[]> {

    /** The single instance of the reference kernels. */
    public static final DoubleKernels INSTANCE = new DoubleKernels();

    /** For subclasses that replace some kernels by faster ones. */
    protected DoubleKernels() {
    }

    @Override
    public boolean vectorized() {
        return false;
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public Parallel parallel() {
        return Parallel.SERIAL;
    }

    @Override
    public Kernels<double[]> serial() {
        return this;
    }

    @Override
    public PackedMatrix<double[]> pack(boolean transB, int k, int n, double[] b, int bOff, int ldb,
                                       PackedMatrix<double[]> reuse) {
        PackedMatrix<double[]> p = reuse != null ? reuse : new PackedMatrix<>();
        p.k = k;
        p.n = n;
        p.source = b;
        p.offset = bOff;
        p.ld = ldb;
        p.transposed = transB;
        return p;
    }

    @Override
    public void gemm(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, PackedMatrix<double[]> b,
                     boolean accumulate, double[] c, int cOff, int ldc) {
        gemm(transA, b.transposed, m, n, k, a, aOff, lda, b.source, b.offset, b.ld, accumulate, c, cOff, ldc);
    }

    @Override
    public void gemmBias(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, PackedMatrix<double[]> b,
                         double[] bias, double[] c, int cOff, int ldc) {
        java.util.Objects.requireNonNull(bias, "bias");
        gemm(transA, m, n, k, a, aOff, lda, b, false, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            addInto(bias, 0, c, cOff + i * ldc, n);
        }
    }

    @Override
    public double[] alloc(int n) {
        return new double[n];
    }

    @Override
    public int length(double[] a) {
        return a.length;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                     boolean accumulate, double[] c, int cOff, int ldc) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0);
            }
        }
        if (!transB) {
            // C[i][j] += Σ_p op(A)[i][p] · B[p][j], streaming along rows of B and C.
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j];
                    }
                }
            }
        } else {
            // C[i][j] += Σ_p op(A)[i][p] · B[j][p]: a dot product of two rows when A is not transposed.
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    double s = 0;
                    if (!transA) {
                        int ai = aOff + i * lda;
                        for (int p = 0; p < k; p++) {
                            s += a[ai + p] * b[bj + p];
                        }
                    } else {
                        for (int p = 0; p < k; p++) {
                            s += a[aOff + p * lda + i] * b[bj + p];
                        }
                    }
                    c[ci + j] += s;
                }
            }
        }
    }

    @Override
    public void addRowVector(double[] v, int rows, int cols, double[] out, int outOff) {
        for (int r = 0; r < rows; r++) {
            int o = outOff + r * cols;
            for (int j = 0; j < cols; j++) {
                out[o + j] += v[j];
            }
        }
    }

    @Override
    public void addColumnSums(double[] in, int inOff, int rows, int cols, double[] out) {
        for (int r = 0; r < rows; r++) {
            int o = inOff + r * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += in[o + j];
            }
        }
    }

    @Override
    public void addInto(double[] src, int srcOff, double[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] += src[srcOff + i];
        }
    }

    @Override
    public void multiplyInto(double[] src, int srcOff, double[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] *= src[srcOff + i];
        }
    }

    @Override
    public void zero(double[] a, int off, int n) {
        java.util.Arrays.fill(a, off, off + n, 0);
    }

    @Override
    public void copy(double[] src, int srcOff, double[] dst, int dstOff, int n) {
        System.arraycopy(src, srcOff, dst, dstOff, n);
    }

    @Override
    public int firstNonFinite(double[] a, int off, int n) {
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(a[off + i])) {
                return off + i;
            }
        }
        return -1;
    }
}
