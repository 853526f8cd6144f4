package dev.recur.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector/*f32:jdk.incubator.vector.IntVector*/;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import java.util.function.IntConsumer;

/**
 * Vectorised float64 kernels on the Java Vector API (the float32 twin {@code FloatVectorKernels}
 * is generated from this file). They replace the reference matrix product by a register-blocked
 * one; everything else is inherited from {@link DoubleKernels}, the plain reference they are
 * tested against.
 *
 * <p>The product packs {@code B} into panels of {@code NR = 4} vectors of columns, each panel
 * {@code [k, NR]} contiguous, and computes {@code C} in tiles of 6 rows by one panel (the last rows
 * of a block in tiles of 4, see {@link #tileRows}): 24 vector accumulators that start from
 * {@code C}'s old values (or zero, or a bias row) and add the terms of each element in the order of
 * {@code p}, in blocks of {@code KC} one after the other. A thread's share of a product of at least
 * {@link GemmTuning#stripPanels} panels first copies each block of {@code A}'s rows into strips a
 * tile high, which the tiles read through one index. The lone last row of an odd {@code m} sums
 * even and odd {@code p} in two chains that meet every {@code PACK_BLOCK = 512} terms. Large
 * products are split by panels over the threads of a {@link Parallel} team; every element is
 * computed by one thread in the same order whatever the thread count and the {@link GemmTuning}
 * (the blocks, the tile height, the strips, the split), so results depend on neither.
 *
 * <p>Thread-safe: the packing scratch and job records are per calling thread, the strips per
 * thread that runs a range ({@code ThreadLocal}s), and the {@link Parallel} team serves concurrent
 * callers; concurrent calls must write different arrays.
 */
public final class DoubleVectorKernels extends DoubleKernels {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 4 * L;
    /** The most rows of a tile (the 6-row tile's scratch at the right edge). */
    private static final int MR = 6;
    /**
     * A row range that starts at a multiple of this is computed as in the whole product: every
     * multi-row tile adds each element's terms in the same order, and only the single-row tile (even
     * and odd terms apart) differs, which takes just the last row of a range of odd length. That
     * rests on MC and the height of every tile but that lone row being even (2 would do here;
     * 4 keeps the ranges' rows in whole 4-row groups).
     */
    public static final int ROW_ALIGN = GemmTuning.ROW_BLOCK_MULTIPLE;
    /**
     * The unpacked product packs {@code B} this many rows at a time, so that its scratch stays
     * {@code [PACK_BLOCK, n]} however long the inner dimension; the lone last row of an odd {@code m}
     * takes the inner dimension in blocks of this many, its two chains meeting at the end of each.
     * Not tuned: moving it would move that row's rounding.
     */
    private static final int PACK_BLOCK = 512;
    /** The integer lanes of the same shape, for the bits of the values. */
    private static final VectorSpecies<Long/*f32:Integer*/> BITS = VectorSpecies.of(long.class/*f32:int.class*/, S.vectorShape());
    /** All bits but the sign. */
    private static final long/*f32:int*/ MAGNITUDE = Long.MAX_VALUE/*f32:Integer.MAX_VALUE*/;
    /** The bits of +∞: a magnitude's bits at or above them are ±∞ or NaN. */
    private static final long/*f32:int*/ INFINITY_BITS = 0x7FF0000000000000L/*f32:0x7F800000*/;
    /** A row of zeros: the start of a tile's rows when it neither accumulates nor adds a bias. */
    private static final double[] ZEROS = new double[NR];
    /** Packings of at least this many elements are split over the team. */
    private static final long PARALLEL_PACK = 1L << 16;
    /** A block of strips holds at most this many values (4 MB in float32), whatever {@code MC} is. */
    private static final int STRIP_VALUES = 1 << 20;
    /** Each thread's strips ({@link Job#packStrips}): a range runs on whichever thread claims it. */
    private static final ThreadLocal<double[]> STRIPS = ThreadLocal.withInitial(() -> new double[0]);

    private final Parallel parallel;
    private final GemmTuning tuning;
    /** Products below this many FLOPs run on one thread (the split costs a few microseconds). */
    private final long parallelFlops;
    private final DoubleVectorKernels serial;
    private final ThreadLocal<PackedMatrix<double[]>> scratch = ThreadLocal.withInitial(PackedMatrix::new);
    private final ThreadLocal<Job> jobs = ThreadLocal.withInitial(Job::new);
    private final ThreadLocal<PackJob> packJobs = ThreadLocal.withInitial(PackJob::new);

    /** Vectorised kernels splitting large products over {@code parallel}, blocked as {@code tuning} says. */
    public DoubleVectorKernels(Parallel parallel, GemmTuning tuning) {
        this.parallel = parallel;
        this.tuning = tuning;
        this.parallelFlops = tuning.parallelFlops();
        this.serial = parallel.threads() == 1 ? this : new DoubleVectorKernels(Parallel.SERIAL, tuning);
    }

    /** The blocking of the products. */
    public GemmTuning tuning() {
        return tuning;
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
    public Parallel parallel() {
        return parallel;
    }

    @Override
    public Kernels<double[]> serial() {
        return serial;
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
        // a large B (the weight gradients' activations, a block of KC rows at a time) on every
        // thread: packed on one, it left the other idle for a tenth of those products
        int ranges = (long) k * n >= PARALLEL_PACK ? Math.min(parallel.threads(), np) : 1;
        if (ranges == 1) {
            packPanels(transB, k, n, b, bOff, ldb, p.panels, 0, np);
        } else {
            PackJob job = packJobs.get();
            job.set(transB, k, n, b, bOff, ldb, p.panels, np, ranges);
            parallel.run(ranges, job);
            job.clear();
        }
        return p;
    }

    /** Panels {@code [jp0, jp1)} of {@link #pack}'s output {@code out}. */
    private static void packPanels(boolean transB, int k, int n, double[] b, int bOff, int ldb, double[] out,
                                   int jp0, int jp1) {
        for (int jp = jp0; jp < jp1; jp++) {
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
    }

    /** One {@link #pack}, cut into ranges of panels; reused so that packing does not allocate. */
    private static final class PackJob implements IntConsumer {
        boolean transB;
        int k;
        int n;
        double[] b;
        int bOff;
        int ldb;
        double[] out;
        int np;
        int ranges;

        void set(boolean transB, int k, int n, double[] b, int bOff, int ldb, double[] out, int np, int ranges) {
            this.transB = transB;
            this.k = k;
            this.n = n;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.out = out;
            this.np = np;
            this.ranges = ranges;
        }

        void clear() {
            b = null;
            out = null;
        }

        @Override
        public void accept(int r) {
            packPanels(transB, k, n, b, bOff, ldb, out, Parallel.split(np, ranges, r), Parallel.split(np, ranges, r + 1));
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                     boolean accumulate, double[] c, int cOff, int ldc) {
        if (k <= PACK_BLOCK) {
            gemm(transA, m, n, k, a, aOff, lda, pack(transB, k, n, b, bOff, ldb, scratch.get()), accumulate, c, cOff, ldc);
            return;
        }
        // B packed one block of rows at a time, so the scratch stays [PACK_BLOCK, n] however long the
        // inner dimension (the weight gradients' T*B); each block's product adds onto the last
        for (int kb = 0; kb < k; kb += PACK_BLOCK) {
            int kc = Math.min(PACK_BLOCK, k - kb);
            PackedMatrix<double[]> block = pack(transB, kc, n, b, bOff + (transB ? kb : kb * ldb), ldb, scratch.get());
            gemm(transA, m, n, kc, a, aOff + (transA ? kb * lda : kb), lda, block, accumulate || kb > 0, c, cOff, ldc);
        }
    }

    @Override
    public void gemm(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, PackedMatrix<double[]> b,
                     boolean accumulate, double[] c, int cOff, int ldc) {
        if (b.panels == null) {
            super.gemm(transA, m, n, k, a, aOff, lda, b, accumulate, c, cOff, ldc);
            return;
        }
        run(transA, m, n, k, a, aOff, lda, b.panels, accumulate, null, c, cOff, ldc);
    }

    @Override
    public void gemmBias(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, PackedMatrix<double[]> b,
                         double[] bias, double[] c, int cOff, int ldc) {
        java.util.Objects.requireNonNull(bias, "bias");
        if (b.panels == null) {
            super.gemmBias(transA, m, n, k, a, aOff, lda, b, bias, c, cOff, ldc);
            return;
        }
        run(transA, m, n, k, a, aOff, lda, b.panels, false, bias, c, cOff, ldc);
    }

    /** The packed product, on this thread or split by panels over the team; {@code bias} may be null. */
    private void run(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, double[] panels,
                     boolean accumulate, double[] bias, double[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        int np = (n + NR - 1) / NR;
        int ranges = 2L * m * n * k >= parallelFlops ? Math.min(parallel.threads(), np) : 1;
        Job job = jobs.get();
        job.set(transA, m, n, k, a, aOff, lda, panels, accumulate, bias, c, cOff, ldc, np, ranges, tuning);
        if (ranges == 1) {
            job.accept(0);
        } else {
            parallel.run(ranges, job);
        }
        job.clear();
    }

    @Override
    public void addRowVector(double[] v, int rows, int cols, double[] out, int outOff) {
        // each element one addition, as the plain kernel's: rows split over the threads (large only)
        final int ranges = (long) rows * cols >= parallelFlops ? Math.min(parallel.threads(), rows) : 1;
        if (ranges == 1) {
            super.addRowVector(v, rows, cols, out, outOff);
        } else {
            parallel.run(ranges, r -> {
                final int r0 = Parallel.split(rows, ranges, r);
                super.addRowVector(v, Parallel.split(rows, ranges, r + 1) - r0, cols, out, outOff + r0 * cols);
            });
        }
    }

    /**
     * {@inheritDoc} Columns in chunks of {@code NR}, split over the team: each chunk's sums stay in
     * four vector registers while the rows pass, and every element is still summed onto its old
     * value in row order, so the result is that of the reference to the bit.
     */
    @Override
    public void addColumnSums(double[] in, int inOff, int rows, int cols, double[] out) {
        final int chunks = (cols + NR - 1) / NR;
        final int ranges = 2L * rows * cols >= parallelFlops ? Math.min(parallel.threads(), chunks) : 1;
        final IntConsumer range = r -> {
            for (int ch = Parallel.split(chunks, ranges, r), end = Parallel.split(chunks, ranges, r + 1); ch < end; ch++) {
                columnSums(in, inOff, rows, cols, ch * NR, Math.min(cols, ch * NR + NR), out);
            }
        };
        if (ranges == 1) {
            range.accept(0);
        } else {
            parallel.run(ranges, range);
        }
    }

    /** {@code out[j] += Σ_r in[r][j]} for the columns {@code [j0, j1)}, {@code j1 − j0 ≤ NR}. */
    private static void columnSums(double[] in, int inOff, int rows, int cols, int j0, int j1, double[] out) {
        if (j1 - j0 < NR) {
            for (int j = j0; j < j1; j++) {
                double s = out[j];
                for (int r = 0, o = inOff + j; r < rows; r++, o += cols) {
                    s += in[o];
                }
                out[j] = s;
            }
            return;
        }
        DoubleVector s0 = DoubleVector.fromArray(S, out, j0);
        DoubleVector s1 = DoubleVector.fromArray(S, out, j0 + L);
        DoubleVector s2 = DoubleVector.fromArray(S, out, j0 + 2 * L);
        DoubleVector s3 = DoubleVector.fromArray(S, out, j0 + 3 * L);
        for (int r = 0, o = inOff + j0; r < rows; r++, o += cols) {
            s0 = s0.add(DoubleVector.fromArray(S, in, o));
            s1 = s1.add(DoubleVector.fromArray(S, in, o + L));
            s2 = s2.add(DoubleVector.fromArray(S, in, o + 2 * L));
            s3 = s3.add(DoubleVector.fromArray(S, in, o + 3 * L));
        }
        s0.intoArray(out, j0);
        s1.intoArray(out, j0 + L);
        s2.intoArray(out, j0 + 2 * L);
        s3.intoArray(out, j0 + 3 * L);
    }

    /**
     * {@inheritDoc} Whole vectors first, by the bits of the largest magnitude (an integer max, no
     * mask: NaN and ±∞ are the magnitudes whose bits are at or above +∞'s); the reference's scan,
     * which also says where, only once one is found, and for the last {@code n mod L} elements. The
     * optimizer's check after every training step runs over all weights and state arrays.
     */
    @Override
    public int firstNonFinite(double[] a, int off, int n) {
        final int nv = S.loopBound(n);
        final var magnitude = LongVector/*f32:IntVector*/.broadcast(BITS, MAGNITUDE);
        var largest = LongVector/*f32:IntVector*/.zero(BITS);
        for (int i = 0; i < nv; i += L) {
            final DoubleVector v = DoubleVector.fromArray(S, a, off + i);
            largest = largest.max(v.reinterpretAsLongs/*f32:v.reinterpretAsInts*/().and(magnitude));
        }
        if (largest.reduceLanes(VectorOperators.MAX) >= INFINITY_BITS) {
            return super.firstNonFinite(a, off, nv);
        }
        return super.firstNonFinite(a, off + nv, n - nv);
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
        /** The start of every row of C in the first inner block's tiles (so added to it), or null. */
        double[] bias;
        double[] c;
        int cOff;
        int ldc;
        int np;
        int ranges;
        /** The tuning's blocks and tile height, and from how many panels a range reads strips. */
        int kcBlock;
        int mcBlock;
        int maxTileRows;
        int stripPanels;
        /** Scratch for the right-edge panel, which only the last range computes. */
        final double[] edge = new double[MR * NR];

        void set(boolean transA, int m, int n, int k, double[] a, int aOff, int lda, double[] panels,
                 boolean accumulate, double[] bias, double[] c, int cOff, int ldc, int np, int ranges,
                 GemmTuning tuning) {
            this.transA = transA;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.panels = panels;
            this.accumulate = accumulate;
            this.bias = bias;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.np = np;
            this.ranges = ranges;
            this.kcBlock = tuning.innerBlock();
            this.mcBlock = tuning.rowBlock();
            this.maxTileRows = tuning.tileRows();
            this.stripPanels = tuning.stripPanels();
        }

        void clear() {
            a = null;
            panels = null;
            bias = null;
            c = null;
        }

        @Override
        public void accept(int r) {
            int jp0 = Parallel.split(np, ranges, r);
            int jp1 = Parallel.split(np, ranges, r + 1);
            int ars = transA ? 1 : lda;   // A(i, p) = a[aOff + i*ars + p*acs]
            int acs = transA ? lda : 1;
            // the rows but a lone last one in blocks of KC along the inner dimension (a panel block
            // stays in cache while row tiles pass over it) and of MC rows (an A block stays in cache
            // while the panels pass over it); every tile of them adds each element's terms in order
            int paired = m & ~1;
            for (int kb = 0; kb < k || kb == 0; kb += kcBlock) {
                int kc = Math.min(kcBlock, k - kb);
                boolean fill = kb == 0 && bias != null;
                boolean acc = accumulate || kb > 0;
                // a wide range copies a block's rows once into strips that every panel reads (the
                // copy costs about 1/(2·panels) of the products, so narrow ranges go without)
                boolean strips = stripPanels > 0 && kc > 0 && jp1 - jp0 >= stripPanels;
                int rowBlock = strips ? Math.min(mcBlock, stripRows(kc)) : mcBlock;
                for (int ib = 0; ib < paired; ib += rowBlock) {
                    int iEnd = Math.min(paired, ib + rowBlock);
                    double[] stripsOfA = strips ? packStrips(ib, iEnd, kb, kc, ars, acs) : null;
                    for (int jp = jp0; jp < jp1; jp++) {
                        for (int i = ib, rows; i < iEnd; i += rows) {
                            rows = tileRows(iEnd - i, maxTileRows);
                            if (strips) {
                                // strip [kc, rows] at (i − ib)·kc: A(i + q, kb + p) at p·rows + q
                                tileAt(rows, i, jp, kb, kc, stripsOfA, (i - ib) * kc, 1, rows, acc, fill);
                            } else {
                                tileAt(rows, i, jp, kb, kc, a, aOff + kb * acs + i * ars, ars, acs, acc, fill);
                            }
                        }
                    }
                }
            }
            // the lone row (two chains, even and odd p, that meet at the end of a block) in blocks of
            // PACK_BLOCK whatever the tuning, as the unpacked product packs B
            if (paired < m) {
                for (int kb = 0; kb < k || kb == 0; kb += PACK_BLOCK) {
                    for (int jp = jp0; jp < jp1; jp++) {
                        tileAt(1, paired, jp, kb, Math.min(PACK_BLOCK, k - kb), a, aOff + kb * acs + paired * ars,
                                ars, acs, accumulate || kb > 0, kb == 0 && bias != null);
                    }
                }
            }
        }

        /**
         * Rows {@code [ib, iEnd)} of A, inner terms {@code [kb, kb + kc)}, copied into strips as
         * {@link #tileRows} cuts them: the strip of the tile at row {@code i} holds {@code A(i + q,
         * kb + p)} at {@code (i − ib)·kc + p·rows + q}. Returns this thread's scratch.
         */
        private double[] packStrips(int ib, int iEnd, int kb, int kc, int ars, int acs) {
            double[] out = STRIPS.get();
            if (out.length < (iEnd - ib) * kc) {
                // room for the largest block of this kc, not more (every thread keeps its own)
                out = new double[Math.min(mcBlock, stripRows(kc)) * kc];
                STRIPS.set(out);
            }
            for (int i = ib, rows; i < iEnd; i += rows) {
                rows = tileRows(iEnd - i, maxTileRows);
                // a step's values side by side (one line of a transposed A); each row read in order
                for (int p = 0, from = aOff + i * ars + kb * acs, to = (i - ib) * kc; p < kc;
                     p++, from += acs, to += rows) {
                    for (int q = 0; q < rows; q++) {
                        out[to + q] = a[from + q * ars];
                    }
                }
            }
            return out;
        }

        /**
         * The tile of {@code rows} rows from row {@code i} of C, panel {@code jp}, inner terms
         * {@code [kb, kb + kc)}, with {@code A(i + q, kb + p)} at {@code src[ao + q*ars + p*acs]}.
         */
        private void tileAt(int rows, int i, int jp, int kb, int kc, double[] src, int ao, int ars, int acs,
                            boolean acc, boolean fill) {
            int col = jp * NR;
            int width = Math.min(NR, n - col);
            int bo = (jp * k + kb) * NR;
            if (width == NR) {
                // tiles start from C when accumulating, else from the bias row (no pass that copies
                // it into C first) or zeros
                tile(rows, src, ao, ars, acs, panels, bo, kc, c, cOff + i * ldc + col, ldc, acc,
                        fill ? bias : ZEROS, fill ? col : 0);
                return;
            }
            // the right edge: through a zero-padded copy, so that no store is masked
            for (int q = 0; q < rows; q++) {
                for (int j = 0; j < NR; j++) {
                    edge[q * NR + j] = j >= width ? 0
                            : fill ? bias[col + j]
                            : acc ? c[cOff + (i + q) * ldc + col + j] : 0;
                }
            }
            tile(rows, src, ao, ars, acs, panels, bo, kc, edge, 0, NR, true, ZEROS, 0);
            for (int q = 0; q < rows; q++) {
                System.arraycopy(edge, q * NR, c, cOff + (i + q) * ldc + col, width);
            }
        }
    }

    /**
     * The height of the next tile when an even number {@code left} of rows remain: 6 (where
     * {@code max} is 6), except that 8 rows end as two tiles of 4 (a 2-row tile runs at less than
     * half the speed); then 4 or 2. A block of four rows or more thus ends in tiles of 6 or 4; only a
     * block of two rows takes a 2-row tile.
     */
    private static int tileRows(int left, int max) {
        return left >= 6 && max == 6 && left != 8 ? 6 : left >= 4 ? 4 : 2;
    }

    /**
     * The most rows a block of strips of {@code kc} terms takes: {@link #STRIP_VALUES} in whole
     * groups of {@link GemmTuning#ROW_BLOCK_MULTIPLE} (row blocks do not change a result).
     */
    private static int stripRows(int kc) {
        int g = GemmTuning.ROW_BLOCK_MULTIPLE;
        return Math.max(g, STRIP_VALUES / kc / g * g);
    }

    /**
     * {@code C[rows, NR] (+)= A[rows, k] · panel[k, NR]} for {@code rows} of 6, 4, 2 or 1, with
     * {@code A(i, p)} at {@code a[a0 + i*ars + p*acs]} (a packed strip of 6 rows: {@code ars = 1},
     * {@code acs = 6}).
     */
    private static void tile(int rows, double[] a, int a0, int ars, int acs, double[] bp, int bo, int k,
                             double[] c, int c0, int ldc, boolean accumulate, double[] init, int i0) {
        if (rows == MR && acs == 1) {
            tile6(a, a0, ars, bp, bo, k, c, c0, ldc, accumulate, init, i0);
        } else if (rows == MR && acs == MR && ars == 1) {
            tile6p(a, a0, bp, bo, k, c, c0, ldc, accumulate, init, i0);
        } else if (rows == MR) {
            tile6t(a, a0, acs, bp, bo, k, c, c0, ldc, accumulate, init, i0);
        } else if (rows == 4) {
            tile4(a, a0, ars, acs, bp, bo, k, c, c0, ldc, accumulate, init, i0);
        } else if (rows == 2) {
            tile2(a, a0, ars, acs, bp, bo, k, c, c0, ldc, accumulate, init, i0);
        } else {
            tile1(a, a0, acs, bp, bo, k, c, c0, accumulate, init, i0);
        }
    }

    /**
     * {@code C[6, NR] (+)= A[6, k] · panel[k, NR]} where A's rows are contiguous ({@code acs == 1}):
     * 24 accumulators, and per step of {@code p} four panel loads and six broadcasts for 24 fused
     * multiply-adds. On one core, float32, m = 48, n = 2048, k = 512 (a scratch benchmark of the
     * packed product, six JVMs): 250–259 GFLOP/s against 233–242 for the 4-row tile (FMA peak
     * 269–272). The six rows need six row offsets in registers, so
     * the inner stride is fixed at 1 here and {@link #tile6t} has the transposed case: with both
     * strides as variables the JIT ran out of general registers, spilled in the loop, and ran at the
     * 4-row tile's speed in about half the JVMs. (Eight rows by two vectors spend one broadcast on
     * every two and measured about 40% slower.)
     */
    private static void tile6(double[] a, int a0, int ars, double[] bp, int bo, int k,
                              double[] c, int c0, int ldc, boolean accumulate, double[] init, int i0) {
        // the accumulators start from C, or from the init row (a bias row or zeros), chosen by
        // array and offset, not by a branch on vectors (the JIT can lose the exact type of a vector
        // defined on two paths, and its Vector API intrinsics then fall back to boxed code ten times
        // slower); each element is then summed over p in order onto its start, as in every multi-row
        // tile. (Passing the start's array, offset and row stride in as arguments measured 20%
        // slower on the per-step product.)
        final double[] src = accumulate ? c : init;
        final int s0 = accumulate ? c0 : i0;
        final int sld = accumulate ? ldc : 0;
        DoubleVector c00 = DoubleVector.fromArray(S, src, s0 + 0 * sld);
        DoubleVector c01 = DoubleVector.fromArray(S, src, s0 + 0 * sld + L);
        DoubleVector c02 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 2 * L);
        DoubleVector c03 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 3 * L);
        DoubleVector c10 = DoubleVector.fromArray(S, src, s0 + 1 * sld);
        DoubleVector c11 = DoubleVector.fromArray(S, src, s0 + 1 * sld + L);
        DoubleVector c12 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 2 * L);
        DoubleVector c13 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 3 * L);
        DoubleVector c20 = DoubleVector.fromArray(S, src, s0 + 2 * sld);
        DoubleVector c21 = DoubleVector.fromArray(S, src, s0 + 2 * sld + L);
        DoubleVector c22 = DoubleVector.fromArray(S, src, s0 + 2 * sld + 2 * L);
        DoubleVector c23 = DoubleVector.fromArray(S, src, s0 + 2 * sld + 3 * L);
        DoubleVector c30 = DoubleVector.fromArray(S, src, s0 + 3 * sld);
        DoubleVector c31 = DoubleVector.fromArray(S, src, s0 + 3 * sld + L);
        DoubleVector c32 = DoubleVector.fromArray(S, src, s0 + 3 * sld + 2 * L);
        DoubleVector c33 = DoubleVector.fromArray(S, src, s0 + 3 * sld + 3 * L);
        DoubleVector c40 = DoubleVector.fromArray(S, src, s0 + 4 * sld);
        DoubleVector c41 = DoubleVector.fromArray(S, src, s0 + 4 * sld + L);
        DoubleVector c42 = DoubleVector.fromArray(S, src, s0 + 4 * sld + 2 * L);
        DoubleVector c43 = DoubleVector.fromArray(S, src, s0 + 4 * sld + 3 * L);
        DoubleVector c50 = DoubleVector.fromArray(S, src, s0 + 5 * sld);
        DoubleVector c51 = DoubleVector.fromArray(S, src, s0 + 5 * sld + L);
        DoubleVector c52 = DoubleVector.fromArray(S, src, s0 + 5 * sld + 2 * L);
        DoubleVector c53 = DoubleVector.fromArray(S, src, s0 + 5 * sld + 3 * L);
        final int r0 = a0 + 0 * ars;
        final int r1 = a0 + 1 * ars;
        final int r2 = a0 + 2 * ars;
        final int r3 = a0 + 3 * ars;
        final int r4 = a0 + 4 * ars;
        final int r5 = a0 + 5 * ars;
        for (int p = 0, o = bo; p < k; p++, o += NR) {
            final DoubleVector b0 = DoubleVector.fromArray(S, bp, o);
            final DoubleVector b1 = DoubleVector.fromArray(S, bp, o + L);
            final DoubleVector b2 = DoubleVector.fromArray(S, bp, o + 2 * L);
            final DoubleVector b3 = DoubleVector.fromArray(S, bp, o + 3 * L);
            final DoubleVector x0 = DoubleVector.broadcast(S, a[r0 + p]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            c03 = x0.fma(b3, c03);
            final DoubleVector x1 = DoubleVector.broadcast(S, a[r1 + p]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            c13 = x1.fma(b3, c13);
            final DoubleVector x2 = DoubleVector.broadcast(S, a[r2 + p]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            c23 = x2.fma(b3, c23);
            final DoubleVector x3 = DoubleVector.broadcast(S, a[r3 + p]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            c33 = x3.fma(b3, c33);
            final DoubleVector x4 = DoubleVector.broadcast(S, a[r4 + p]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            c43 = x4.fma(b3, c43);
            final DoubleVector x5 = DoubleVector.broadcast(S, a[r5 + p]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            c53 = x5.fma(b3, c53);
        }
        c00.intoArray(c, c0 + 0 * ldc);
        c01.intoArray(c, c0 + 0 * ldc + L);
        c02.intoArray(c, c0 + 0 * ldc + 2 * L);
        c03.intoArray(c, c0 + 0 * ldc + 3 * L);
        c10.intoArray(c, c0 + 1 * ldc);
        c11.intoArray(c, c0 + 1 * ldc + L);
        c12.intoArray(c, c0 + 1 * ldc + 2 * L);
        c13.intoArray(c, c0 + 1 * ldc + 3 * L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c22.intoArray(c, c0 + 2 * ldc + 2 * L);
        c23.intoArray(c, c0 + 2 * ldc + 3 * L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
        c32.intoArray(c, c0 + 3 * ldc + 2 * L);
        c33.intoArray(c, c0 + 3 * ldc + 3 * L);
        c40.intoArray(c, c0 + 4 * ldc);
        c41.intoArray(c, c0 + 4 * ldc + L);
        c42.intoArray(c, c0 + 4 * ldc + 2 * L);
        c43.intoArray(c, c0 + 4 * ldc + 3 * L);
        c50.intoArray(c, c0 + 5 * ldc);
        c51.intoArray(c, c0 + 5 * ldc + L);
        c52.intoArray(c, c0 + 5 * ldc + 2 * L);
        c53.intoArray(c, c0 + 5 * ldc + 3 * L);
    }

    /**
     * {@link #tile6} where A is read transposed ({@code ars == 1}, as in the weight gradients): the six
     * values of a step of {@code p} are adjacent, one index apart.
     */
    private static void tile6t(double[] a, int a0, int acs, double[] bp, int bo, int k,
                               double[] c, int c0, int ldc, boolean accumulate, double[] init, int i0) {
        // as in tile6
        final double[] src = accumulate ? c : init;
        final int s0 = accumulate ? c0 : i0;
        final int sld = accumulate ? ldc : 0;
        DoubleVector c00 = DoubleVector.fromArray(S, src, s0 + 0 * sld);
        DoubleVector c01 = DoubleVector.fromArray(S, src, s0 + 0 * sld + L);
        DoubleVector c02 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 2 * L);
        DoubleVector c03 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 3 * L);
        DoubleVector c10 = DoubleVector.fromArray(S, src, s0 + 1 * sld);
        DoubleVector c11 = DoubleVector.fromArray(S, src, s0 + 1 * sld + L);
        DoubleVector c12 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 2 * L);
        DoubleVector c13 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 3 * L);
        DoubleVector c20 = DoubleVector.fromArray(S, src, s0 + 2 * sld);
        DoubleVector c21 = DoubleVector.fromArray(S, src, s0 + 2 * sld + L);
        DoubleVector c22 = DoubleVector.fromArray(S, src, s0 + 2 * sld + 2 * L);
        DoubleVector c23 = DoubleVector.fromArray(S, src, s0 + 2 * sld + 3 * L);
        DoubleVector c30 = DoubleVector.fromArray(S, src, s0 + 3 * sld);
        DoubleVector c31 = DoubleVector.fromArray(S, src, s0 + 3 * sld + L);
        DoubleVector c32 = DoubleVector.fromArray(S, src, s0 + 3 * sld + 2 * L);
        DoubleVector c33 = DoubleVector.fromArray(S, src, s0 + 3 * sld + 3 * L);
        DoubleVector c40 = DoubleVector.fromArray(S, src, s0 + 4 * sld);
        DoubleVector c41 = DoubleVector.fromArray(S, src, s0 + 4 * sld + L);
        DoubleVector c42 = DoubleVector.fromArray(S, src, s0 + 4 * sld + 2 * L);
        DoubleVector c43 = DoubleVector.fromArray(S, src, s0 + 4 * sld + 3 * L);
        DoubleVector c50 = DoubleVector.fromArray(S, src, s0 + 5 * sld);
        DoubleVector c51 = DoubleVector.fromArray(S, src, s0 + 5 * sld + L);
        DoubleVector c52 = DoubleVector.fromArray(S, src, s0 + 5 * sld + 2 * L);
        DoubleVector c53 = DoubleVector.fromArray(S, src, s0 + 5 * sld + 3 * L);
        for (int p = 0, q = a0, o = bo; p < k; p++, q += acs, o += NR) {
            final DoubleVector b0 = DoubleVector.fromArray(S, bp, o);
            final DoubleVector b1 = DoubleVector.fromArray(S, bp, o + L);
            final DoubleVector b2 = DoubleVector.fromArray(S, bp, o + 2 * L);
            final DoubleVector b3 = DoubleVector.fromArray(S, bp, o + 3 * L);
            final DoubleVector x0 = DoubleVector.broadcast(S, a[q]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            c03 = x0.fma(b3, c03);
            final DoubleVector x1 = DoubleVector.broadcast(S, a[q + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            c13 = x1.fma(b3, c13);
            final DoubleVector x2 = DoubleVector.broadcast(S, a[q + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            c23 = x2.fma(b3, c23);
            final DoubleVector x3 = DoubleVector.broadcast(S, a[q + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            c33 = x3.fma(b3, c33);
            final DoubleVector x4 = DoubleVector.broadcast(S, a[q + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            c43 = x4.fma(b3, c43);
            final DoubleVector x5 = DoubleVector.broadcast(S, a[q + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            c53 = x5.fma(b3, c53);
        }
        c00.intoArray(c, c0 + 0 * ldc);
        c01.intoArray(c, c0 + 0 * ldc + L);
        c02.intoArray(c, c0 + 0 * ldc + 2 * L);
        c03.intoArray(c, c0 + 0 * ldc + 3 * L);
        c10.intoArray(c, c0 + 1 * ldc);
        c11.intoArray(c, c0 + 1 * ldc + L);
        c12.intoArray(c, c0 + 1 * ldc + 2 * L);
        c13.intoArray(c, c0 + 1 * ldc + 3 * L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c22.intoArray(c, c0 + 2 * ldc + 2 * L);
        c23.intoArray(c, c0 + 2 * ldc + 3 * L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
        c32.intoArray(c, c0 + 3 * ldc + 2 * L);
        c33.intoArray(c, c0 + 3 * ldc + 3 * L);
        c40.intoArray(c, c0 + 4 * ldc);
        c41.intoArray(c, c0 + 4 * ldc + L);
        c42.intoArray(c, c0 + 4 * ldc + 2 * L);
        c43.intoArray(c, c0 + 4 * ldc + 3 * L);
        c50.intoArray(c, c0 + 5 * ldc);
        c51.intoArray(c, c0 + 5 * ldc + L);
        c52.intoArray(c, c0 + 5 * ldc + 2 * L);
        c53.intoArray(c, c0 + 5 * ldc + 3 * L);
    }

    /**
     * {@code C[6, NR] (+)= A[6, k] · panel[k, NR]} from a strip of A packed by {@link Job#packStrips}
     * ({@code A(i, p)} at {@code a[a0 + 6p + i]}): the same sums as {@link #tile6}, in the same
     * order, with a loop the JIT compiles lean. Its counter is the strip's index, stepping by the
     * constant 6, so the checks on {@code a} leave the loop and one register addresses all six
     * values; {@link #tile6}'s loop, with six row offsets, carries 25 integer instructions beside its
     * 24 fused multiply-adds and 10 loads (address sums, bounds checks, general registers spilled to
     * vector ones), this one 12 (HotSpot's disassembly, {@code performance/lab/tile-loop.md}). Zen 5
     * runs integer work beside its FMA pipes and gains a little (2.3–6.9% on the wide LSTM products
     * in one JVM); on cores whose FMA ports also take integer work (Intel's), {@code llvm-mca} puts the old
     * loop at 16 cycles a step and this one at the FMA bound, 12.
     */
    private static void tile6p(double[] a, int a0, double[] bp, int bo, int k,
                               double[] c, int c0, int ldc, boolean accumulate, double[] init, int i0) {
        // as in tile6
        final double[] src = accumulate ? c : init;
        final int s0 = accumulate ? c0 : i0;
        final int sld = accumulate ? ldc : 0;
        DoubleVector c00 = DoubleVector.fromArray(S, src, s0 + 0 * sld);
        DoubleVector c01 = DoubleVector.fromArray(S, src, s0 + 0 * sld + L);
        DoubleVector c02 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 2 * L);
        DoubleVector c03 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 3 * L);
        DoubleVector c10 = DoubleVector.fromArray(S, src, s0 + 1 * sld);
        DoubleVector c11 = DoubleVector.fromArray(S, src, s0 + 1 * sld + L);
        DoubleVector c12 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 2 * L);
        DoubleVector c13 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 3 * L);
        DoubleVector c20 = DoubleVector.fromArray(S, src, s0 + 2 * sld);
        DoubleVector c21 = DoubleVector.fromArray(S, src, s0 + 2 * sld + L);
        DoubleVector c22 = DoubleVector.fromArray(S, src, s0 + 2 * sld + 2 * L);
        DoubleVector c23 = DoubleVector.fromArray(S, src, s0 + 2 * sld + 3 * L);
        DoubleVector c30 = DoubleVector.fromArray(S, src, s0 + 3 * sld);
        DoubleVector c31 = DoubleVector.fromArray(S, src, s0 + 3 * sld + L);
        DoubleVector c32 = DoubleVector.fromArray(S, src, s0 + 3 * sld + 2 * L);
        DoubleVector c33 = DoubleVector.fromArray(S, src, s0 + 3 * sld + 3 * L);
        DoubleVector c40 = DoubleVector.fromArray(S, src, s0 + 4 * sld);
        DoubleVector c41 = DoubleVector.fromArray(S, src, s0 + 4 * sld + L);
        DoubleVector c42 = DoubleVector.fromArray(S, src, s0 + 4 * sld + 2 * L);
        DoubleVector c43 = DoubleVector.fromArray(S, src, s0 + 4 * sld + 3 * L);
        DoubleVector c50 = DoubleVector.fromArray(S, src, s0 + 5 * sld);
        DoubleVector c51 = DoubleVector.fromArray(S, src, s0 + 5 * sld + L);
        DoubleVector c52 = DoubleVector.fromArray(S, src, s0 + 5 * sld + 2 * L);
        DoubleVector c53 = DoubleVector.fromArray(S, src, s0 + 5 * sld + 3 * L);
        for (int q = a0, o = bo, end = a0 + MR * k; q < end; q += MR, o += NR) {
            final DoubleVector b0 = DoubleVector.fromArray(S, bp, o);
            final DoubleVector b1 = DoubleVector.fromArray(S, bp, o + L);
            final DoubleVector b2 = DoubleVector.fromArray(S, bp, o + 2 * L);
            final DoubleVector b3 = DoubleVector.fromArray(S, bp, o + 3 * L);
            final DoubleVector x0 = DoubleVector.broadcast(S, a[q]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            c03 = x0.fma(b3, c03);
            final DoubleVector x1 = DoubleVector.broadcast(S, a[q + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            c13 = x1.fma(b3, c13);
            final DoubleVector x2 = DoubleVector.broadcast(S, a[q + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            c23 = x2.fma(b3, c23);
            final DoubleVector x3 = DoubleVector.broadcast(S, a[q + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            c33 = x3.fma(b3, c33);
            final DoubleVector x4 = DoubleVector.broadcast(S, a[q + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            c42 = x4.fma(b2, c42);
            c43 = x4.fma(b3, c43);
            final DoubleVector x5 = DoubleVector.broadcast(S, a[q + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            c52 = x5.fma(b2, c52);
            c53 = x5.fma(b3, c53);
        }
        c00.intoArray(c, c0 + 0 * ldc);
        c01.intoArray(c, c0 + 0 * ldc + L);
        c02.intoArray(c, c0 + 0 * ldc + 2 * L);
        c03.intoArray(c, c0 + 0 * ldc + 3 * L);
        c10.intoArray(c, c0 + 1 * ldc);
        c11.intoArray(c, c0 + 1 * ldc + L);
        c12.intoArray(c, c0 + 1 * ldc + 2 * L);
        c13.intoArray(c, c0 + 1 * ldc + 3 * L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c22.intoArray(c, c0 + 2 * ldc + 2 * L);
        c23.intoArray(c, c0 + 2 * ldc + 3 * L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
        c32.intoArray(c, c0 + 3 * ldc + 2 * L);
        c33.intoArray(c, c0 + 3 * ldc + 3 * L);
        c40.intoArray(c, c0 + 4 * ldc);
        c41.intoArray(c, c0 + 4 * ldc + L);
        c42.intoArray(c, c0 + 4 * ldc + 2 * L);
        c43.intoArray(c, c0 + 4 * ldc + 3 * L);
        c50.intoArray(c, c0 + 5 * ldc);
        c51.intoArray(c, c0 + 5 * ldc + L);
        c52.intoArray(c, c0 + 5 * ldc + 2 * L);
        c53.intoArray(c, c0 + 5 * ldc + 3 * L);
    }

    /**
     * {@code C[4, NR] (+)= A[4, k] · panel[k, NR]}, the last rows of a block: 16 accumulators, four
     * panel loads and four broadcasts for 16 fused multiply-adds per step of {@code p}.
     */
    private static void tile4(double[] a, int a0, int ars, int acs, double[] bp, int bo, int k,
                              double[] c, int c0, int ldc, boolean accumulate, double[] init, int i0) {
        // as in tile6
        final double[] src = accumulate ? c : init;
        final int s0 = accumulate ? c0 : i0;
        final int sld = accumulate ? ldc : 0;
        DoubleVector c00 = DoubleVector.fromArray(S, src, s0 + 0 * sld);
        DoubleVector c01 = DoubleVector.fromArray(S, src, s0 + 0 * sld + L);
        DoubleVector c02 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 2 * L);
        DoubleVector c03 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 3 * L);
        DoubleVector c10 = DoubleVector.fromArray(S, src, s0 + 1 * sld);
        DoubleVector c11 = DoubleVector.fromArray(S, src, s0 + 1 * sld + L);
        DoubleVector c12 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 2 * L);
        DoubleVector c13 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 3 * L);
        DoubleVector c20 = DoubleVector.fromArray(S, src, s0 + 2 * sld);
        DoubleVector c21 = DoubleVector.fromArray(S, src, s0 + 2 * sld + L);
        DoubleVector c22 = DoubleVector.fromArray(S, src, s0 + 2 * sld + 2 * L);
        DoubleVector c23 = DoubleVector.fromArray(S, src, s0 + 2 * sld + 3 * L);
        DoubleVector c30 = DoubleVector.fromArray(S, src, s0 + 3 * sld);
        DoubleVector c31 = DoubleVector.fromArray(S, src, s0 + 3 * sld + L);
        DoubleVector c32 = DoubleVector.fromArray(S, src, s0 + 3 * sld + 2 * L);
        DoubleVector c33 = DoubleVector.fromArray(S, src, s0 + 3 * sld + 3 * L);
        final int r0 = a0 + 0 * ars;
        final int r1 = a0 + 1 * ars;
        final int r2 = a0 + 2 * ars;
        final int r3 = a0 + 3 * ars;
        for (int p = 0, q = 0, o = bo; p < k; p++, q += acs, o += NR) {
            final DoubleVector b0 = DoubleVector.fromArray(S, bp, o);
            final DoubleVector b1 = DoubleVector.fromArray(S, bp, o + L);
            final DoubleVector b2 = DoubleVector.fromArray(S, bp, o + 2 * L);
            final DoubleVector b3 = DoubleVector.fromArray(S, bp, o + 3 * L);
            final DoubleVector x0 = DoubleVector.broadcast(S, a[r0 + q]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            c03 = x0.fma(b3, c03);
            final DoubleVector x1 = DoubleVector.broadcast(S, a[r1 + q]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            c13 = x1.fma(b3, c13);
            final DoubleVector x2 = DoubleVector.broadcast(S, a[r2 + q]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            c22 = x2.fma(b2, c22);
            c23 = x2.fma(b3, c23);
            final DoubleVector x3 = DoubleVector.broadcast(S, a[r3 + q]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            c32 = x3.fma(b2, c32);
            c33 = x3.fma(b3, c33);
        }
        c00.intoArray(c, c0 + 0 * ldc);
        c01.intoArray(c, c0 + 0 * ldc + L);
        c02.intoArray(c, c0 + 0 * ldc + 2 * L);
        c03.intoArray(c, c0 + 0 * ldc + 3 * L);
        c10.intoArray(c, c0 + 1 * ldc);
        c11.intoArray(c, c0 + 1 * ldc + L);
        c12.intoArray(c, c0 + 1 * ldc + 2 * L);
        c13.intoArray(c, c0 + 1 * ldc + 3 * L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c22.intoArray(c, c0 + 2 * ldc + 2 * L);
        c23.intoArray(c, c0 + 2 * ldc + 3 * L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
        c32.intoArray(c, c0 + 3 * ldc + 2 * L);
        c33.intoArray(c, c0 + 3 * ldc + 3 * L);
    }

    /**
     * {@code C[2, NR] (+)= A[2, k] · panel[k, NR]}: a block of only two or three rows (of three, the
     * third then alone), summed in the order of the other multi-row tiles.
     */
    private static void tile2(double[] a, int a0, int ars, int acs, double[] bp, int bo, int k,
                              double[] c, int c0, int ldc, boolean accumulate, double[] init, int i0) {
        final double[] src = accumulate ? c : init;
        final int s0 = accumulate ? c0 : i0;
        final int sld = accumulate ? ldc : 0;
        DoubleVector c00 = DoubleVector.fromArray(S, src, s0 + 0 * sld);
        DoubleVector c01 = DoubleVector.fromArray(S, src, s0 + 0 * sld + L);
        DoubleVector c02 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 2 * L);
        DoubleVector c03 = DoubleVector.fromArray(S, src, s0 + 0 * sld + 3 * L);
        DoubleVector c10 = DoubleVector.fromArray(S, src, s0 + 1 * sld);
        DoubleVector c11 = DoubleVector.fromArray(S, src, s0 + 1 * sld + L);
        DoubleVector c12 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 2 * L);
        DoubleVector c13 = DoubleVector.fromArray(S, src, s0 + 1 * sld + 3 * L);
        final int r0 = a0 + 0 * ars;
        final int r1 = a0 + 1 * ars;
        for (int p = 0, q = 0, o = bo; p < k; p++, q += acs, o += NR) {
            final DoubleVector b0 = DoubleVector.fromArray(S, bp, o);
            final DoubleVector b1 = DoubleVector.fromArray(S, bp, o + L);
            final DoubleVector b2 = DoubleVector.fromArray(S, bp, o + 2 * L);
            final DoubleVector b3 = DoubleVector.fromArray(S, bp, o + 3 * L);
            final DoubleVector x0 = DoubleVector.broadcast(S, a[r0 + q]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            c02 = x0.fma(b2, c02);
            c03 = x0.fma(b3, c03);
            final DoubleVector x1 = DoubleVector.broadcast(S, a[r1 + q]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            c12 = x1.fma(b2, c12);
            c13 = x1.fma(b3, c13);
        }
        c00.intoArray(c, c0 + 0 * ldc);
        c01.intoArray(c, c0 + 0 * ldc + L);
        c02.intoArray(c, c0 + 0 * ldc + 2 * L);
        c03.intoArray(c, c0 + 0 * ldc + 3 * L);
        c10.intoArray(c, c0 + 1 * ldc);
        c11.intoArray(c, c0 + 1 * ldc + L);
        c12.intoArray(c, c0 + 1 * ldc + 2 * L);
        c13.intoArray(c, c0 + 1 * ldc + 3 * L);
    }

    /**
     * {@code C[1, NR] (+)= A[1, k] · panel[k, NR]}. One row has too little independent work to hide
     * the latency of a fused multiply-add, so the inner dimension is cut two ways: two sets of four
     * accumulators take even and odd {@code p} and are added at the end.
     */
    private static void tile1(double[] a, int a0, int acs, double[] bp, int bo, int k,
                              double[] c, int c0, boolean accumulate, double[] init, int i0) {
        // as in tile6, the even sums start from C or the init row without a branch on vectors
        final double[] src = accumulate ? c : init;
        final int o0 = accumulate ? c0 : i0;
        DoubleVector s0 = DoubleVector.fromArray(S, src, o0);
        DoubleVector s1 = DoubleVector.fromArray(S, src, o0 + L);
        DoubleVector s2 = DoubleVector.fromArray(S, src, o0 + 2 * L);
        DoubleVector s3 = DoubleVector.fromArray(S, src, o0 + 3 * L);
        DoubleVector t0 = DoubleVector.zero(S);
        DoubleVector t1 = t0;
        DoubleVector t2 = t0;
        DoubleVector t3 = t0;
        int p = 0;
        int q = a0;
        int o = bo;
        for (; p + 2 <= k; p += 2, q += 2 * acs, o += 2 * NR) {
            final DoubleVector x0 = DoubleVector.broadcast(S, a[q]);
            final DoubleVector x1 = DoubleVector.broadcast(S, a[q + acs]);
            s0 = x0.fma(DoubleVector.fromArray(S, bp, o), s0);
            s1 = x0.fma(DoubleVector.fromArray(S, bp, o + L), s1);
            s2 = x0.fma(DoubleVector.fromArray(S, bp, o + 2 * L), s2);
            s3 = x0.fma(DoubleVector.fromArray(S, bp, o + 3 * L), s3);
            t0 = x1.fma(DoubleVector.fromArray(S, bp, o + NR), t0);
            t1 = x1.fma(DoubleVector.fromArray(S, bp, o + NR + L), t1);
            t2 = x1.fma(DoubleVector.fromArray(S, bp, o + NR + 2 * L), t2);
            t3 = x1.fma(DoubleVector.fromArray(S, bp, o + NR + 3 * L), t3);
        }
        for (; p < k; p++, q += acs, o += NR) {
            final DoubleVector x = DoubleVector.broadcast(S, a[q]);
            s0 = x.fma(DoubleVector.fromArray(S, bp, o), s0);
            s1 = x.fma(DoubleVector.fromArray(S, bp, o + L), s1);
            s2 = x.fma(DoubleVector.fromArray(S, bp, o + 2 * L), s2);
            s3 = x.fma(DoubleVector.fromArray(S, bp, o + 3 * L), s3);
        }
        s0.add(t0).intoArray(c, c0);
        s1.add(t1).intoArray(c, c0 + L);
        s2.add(t2).intoArray(c, c0 + 2 * L);
        s3.add(t3).intoArray(c, c0 + 3 * L);
    }
}
