package dev.recur.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import java.util.function.IntConsumer;

/**
 * Vectorised float64 kernels on the Java Vector API (the float32 twin {@code FloatVectorKernels}
 * is generated from this file). They replace the reference matrix product by a register-blocked
 * one; everything else is inherited from {@link DoubleKernels}, the plain reference they are
 * tested against.
 *
 * <p>The product packs {@code B} into panels of {@code NR = 2} vectors of columns, each panel
 * {@code [k, NR]} contiguous, and computes {@code C} in tiles of {@code MR = 6} rows by one panel:
 * 12 vector accumulators, each {@code C} element summed over {@code p} in order, in blocks of
 * {@code KC} that are added to {@code C} one after the other. Large products are split by panels over the threads of a {@link Parallel}
 * team; every element is computed by one thread in the same order whatever the thread count, so
 * results do not depend on it.
 */
public final class DoubleVectorKernels extends DoubleKernels {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 2 * L;
    private static final int MR = 6;
    /** Inner-dimension block: a {@code [KC, NR]} panel block is 32 KiB in either precision. */
    private static final int KC = 4096 / L;
    /** Products below this many FLOPs run on one thread (the split costs a few microseconds). */
    private static final long PARALLEL_FLOPS = 1L << 20;

    private final Parallel parallel;
    private final ThreadLocal<PackedMatrix<double[]>> scratch = ThreadLocal.withInitial(PackedMatrix::new);
    private final ThreadLocal<Job> jobs = ThreadLocal.withInitial(Job::new);

    /** Vectorised kernels splitting large products over {@code parallel}. */
    public DoubleVectorKernels(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public boolean vectorized() {
        return true;
    }

    @Override
    public int threads() {
        return parallel.threads();
    }

    @Override
    public PackedMatrix<double[]> pack(boolean transB, int k, int n, double[] b, int bOff, int ldb,
                                       PackedMatrix<double[]> reuse) {
        PackedMatrix<double[]> p = super.pack(transB, k, n, b, bOff, ldb, reuse);
        int np = (n + NR - 1) / NR;
        int size = np * k * NR;
        if (p.panels == null || p.panels.length < size) {
            p.panels = new double[size];
        }
        p.panelWidth = NR;
        double[] out = p.panels;
        for (int jp = 0; jp < np; jp++) {
            int base = jp * k * NR;
            int col0 = jp * NR;
            int width = Math.min(NR, n - col0);
            for (int q = 0; q < k; q++) {
                int o = base + q * NR;
                if (transB) {
                    for (int j = 0; j < width; j++) {
                        out[o + j] = b[bOff + (col0 + j) * ldb + q];
                    }
                } else {
                    System.arraycopy(b, bOff + q * ldb + col0, out, o, width);
                }
                for (int j = width; j < NR; j++) {
                    out[o + j] = 0;
                }
            }
        }
        return p;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                     boolean accumulate, double[] c, int cOff, int ldc) {
        PackedMatrix<double[]> packed = pack(transB, k, n, b, bOff, ldb, scratch.get());
        gemm(transA, m, n, k, a, aOff, lda, packed, accumulate, c, cOff, ldc);
    }

    @Override
    public void gemm(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, PackedMatrix<double[]> b,
                     boolean accumulate, double[] c, int cOff, int ldc) {
        if (b.panels == null) {
            super.gemm(transA, m, n, k, a, aOff, lda, b, accumulate, c, cOff, ldc);
            return;
        }
        if (m == 0 || n == 0) {
            return;
        }
        int np = (n + NR - 1) / NR;
        int ranges = 2L * m * n * k >= PARALLEL_FLOPS ? Math.min(parallel.threads(), np) : 1;
        Job job = jobs.get();
        job.set(transA, m, n, k, a, aOff, lda, b.panels, accumulate, c, cOff, ldc, np, ranges);
        if (ranges == 1) {
            job.accept(0);
        } else {
            parallel.run(ranges, job);
        }
        job.clear();
    }

    /** One product, cut into ranges of panels; reused so that the time loop does not allocate. */
    private static final class Job implements IntConsumer {
        boolean transA;
        int m;
        int n;
        int k;
        double[] a;
        int aOff;
        int lda;
        double[] panels;
        boolean accumulate;
        double[] c;
        int cOff;
        int ldc;
        int np;
        int ranges;
        /** Scratch for the right-edge panel, which only the last range computes. */
        final double[] edge = new double[MR * NR];

        void set(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, double[] panels,
                 boolean accumulate, double[] c, int cOff, int ldc, int np, int ranges) {
            this.transA = transA;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.panels = panels;
            this.accumulate = accumulate;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.np = np;
            this.ranges = ranges;
        }

        void clear() {
            a = null;
            panels = null;
            c = null;
        }

        @Override
        public void accept(int r) {
            int jp0 = Parallel.split(np, ranges, r);
            int jp1 = Parallel.split(np, ranges, r + 1);
            int ars = transA ? 1 : lda;   // A(i, p) = a[aOff + i*ars + p*acs]
            int acs = transA ? lda : 1;
            for (int jp = jp0; jp < jp1; jp++) {
                int col = jp * NR;
                int width = Math.min(NR, n - col);
                // the inner dimension in blocks of KC, so that a panel block stays in the L1 cache
                // while every row tile of A passes over it
                for (int kb = 0; kb < k || kb == 0; kb += KC) {
                    int kc = Math.min(KC, k - kb);
                    int bo = (jp * k + kb) * NR;
                    int ao = aOff + kb * acs;
                    boolean acc = accumulate || kb > 0;
                    for (int i = 0; i < m; i += MR) {
                        int rows = Math.min(MR, m - i);
                        if (width == NR) {
                            tile(rows, a, ao + i * ars, ars, acs, panels, bo, kc, c, cOff + i * ldc + col, ldc, acc);
                        } else {
                            // the right edge: through a zero-padded copy, so that no store is masked
                            for (int q = 0; q < rows; q++) {
                                for (int j = 0; j < NR; j++) {
                                    edge[q * NR + j] = acc && j < width ? c[cOff + (i + q) * ldc + col + j] : 0;
                                }
                            }
                            tile(rows, a, ao + i * ars, ars, acs, panels, bo, kc, edge, 0, NR, true);
                            for (int q = 0; q < rows; q++) {
                                System.arraycopy(edge, q * NR, c, cOff + (i + q) * ldc + col, width);
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code C[rows, NR] (+)= A[rows, k] · panel[k, NR]} for {@code rows <= MR}. */
    private static void tile(int rows, double[] a, int a0, int ars, int acs, double[] bp, int bo, int k,
                             double[] c, int c0, int ldc, boolean accumulate) {
        if (rows == MR) {
            tile6(a, a0, ars, acs, bp, bo, k, c, c0, ldc, accumulate);
        } else {
            for (int q = 0; q < rows; q++) {
                tile1(a, a0 + q * ars, acs, bp, bo, k, c, c0 + q * ldc, accumulate);
            }
        }
    }

    /** {@code C[6, NR] (+)= A[6, k] · panel[k, NR]}. */
    private static void tile6(double[] a, int a0, int ars, int acs, double[] bp, int bo, int k,
                              double[] c, int c0, int ldc, boolean accumulate) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = c00;
        DoubleVector c10 = c00;
        DoubleVector c11 = c00;
        DoubleVector c20 = c00;
        DoubleVector c21 = c00;
        DoubleVector c30 = c00;
        DoubleVector c31 = c00;
        DoubleVector c40 = c00;
        DoubleVector c41 = c00;
        DoubleVector c50 = c00;
        DoubleVector c51 = c00;
        int r0 = a0;
        int r1 = r0 + ars;
        int r2 = r1 + ars;
        int r3 = r2 + ars;
        int r4 = r3 + ars;
        int r5 = r4 + ars;
        for (int p = 0, q = 0, o = bo; p < k; p++, q += acs, o += NR) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, o);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, o + L);
            DoubleVector x = DoubleVector.broadcast(S, a[r0 + q]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, a[r1 + q]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, a[r2 + q]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, a[r3 + q]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(S, a[r4 + q]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(S, a[r5 + q]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        final int o0 = c0;
        final int o1 = o0 + ldc;
        final int o2 = o1 + ldc;
        final int o3 = o2 + ldc;
        final int o4 = o3 + ldc;
        final int o5 = o4 + ldc;
        if (accumulate) {
            c00 = c00.add(DoubleVector.fromArray(S, c, o0));
            c01 = c01.add(DoubleVector.fromArray(S, c, o0 + L));
            c10 = c10.add(DoubleVector.fromArray(S, c, o1));
            c11 = c11.add(DoubleVector.fromArray(S, c, o1 + L));
            c20 = c20.add(DoubleVector.fromArray(S, c, o2));
            c21 = c21.add(DoubleVector.fromArray(S, c, o2 + L));
            c30 = c30.add(DoubleVector.fromArray(S, c, o3));
            c31 = c31.add(DoubleVector.fromArray(S, c, o3 + L));
            c40 = c40.add(DoubleVector.fromArray(S, c, o4));
            c41 = c41.add(DoubleVector.fromArray(S, c, o4 + L));
            c50 = c50.add(DoubleVector.fromArray(S, c, o5));
            c51 = c51.add(DoubleVector.fromArray(S, c, o5 + L));
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        c40.intoArray(c, o4);
        c41.intoArray(c, o4 + L);
        c50.intoArray(c, o5);
        c51.intoArray(c, o5 + L);
    }

    /** {@code C[1, NR] (+)= A[1, k] · panel[k, NR]}. */
    private static void tile1(double[] a, int a0, int acs, double[] bp, int bo, int k,
                              double[] c, int c0, boolean accumulate) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = c00;
        for (int p = 0, q = a0, o = bo; p < k; p++, q += acs, o += NR) {
            DoubleVector x = DoubleVector.broadcast(S, a[q]);
            c00 = x.fma(DoubleVector.fromArray(S, bp, o), c00);
            c01 = x.fma(DoubleVector.fromArray(S, bp, o + L), c01);
        }
        if (accumulate) {
            c00 = c00.add(DoubleVector.fromArray(S, c, c0));
            c01 = c01.add(DoubleVector.fromArray(S, c, c0 + L));
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
    }
}
