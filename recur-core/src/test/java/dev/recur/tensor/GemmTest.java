package dev.recur.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vectorised GEMM against the plain reference kernels, for every transpose combination and for
 * shapes that exercise the edges of its blocking (rows not a multiple of the tile height, columns
 * not a multiple of the panel width, inner dimensions across several KC blocks); the unpacked
 * entry point, which packs B a block at a time, against the packed one (bit-identical); the
 * product with a bias row against the reference; two threads against one (bit-identical); and the
 * product of a range of rows that starts at a multiple of {@link DoubleVectorKernels#ROW_ALIGN}
 * against the same rows of the whole product (bit-identical, as the cells' row ranges rely on).
 */
class GemmTest {

    private static double[] random(SplittableRandom rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextDouble(-1, 1);
        }
        return x;
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "2,64,9", "7,5,3", "6,129,257", "9,33,17", "8,32,511", "14,66,40", "16,64,513", "13,19,1200",
            "33,70,2049", "197,70,300", "3,3,0"})
    void vectorisedEqualsReferenceForEveryTranspose(int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(m * 1000L + n * 10L + k);
        for (Precision<?> p : new Precision<?>[] {Precision.F64, Precision.F32, Precision.F64.withThreads(2), Precision.F32.withThreads(2)}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (boolean acc : new boolean[] {false, true}) {
                        check(p, ta, tb, acc, m, n, k, rng);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "m={0}")
    @CsvSource({"2", "3", "5", "6", "7", "8", "9", "10", "11", "13", "14", "16", "19", "33", "200"})
    void rowRangesFromMultiplesOfTheAlignmentEqualTheWholeProduct(int m) {
        SplittableRandom rng = new SplittableRandom(m);
        int n = 70;
        for (Precision<?> p : new Precision<?>[] {Precision.F64, Precision.F32, Precision.F32.withThreads(2)}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (int k : new int[] {37, 600}) {   // one inner block, and two
                    splitRows(p, ta, m, n, k, rng);
                }
            }
        }
    }

    /** The whole product against the same rows in two calls split at each multiple of the alignment. */
    private static <A> void splitRows(Precision<A> p, boolean ta, int m, int n, int k, SplittableRandom rng) {
        Kernels<A> fast = p.kernels();
        int lda = ta ? m : k;
        A a = p.fromDoubles(random(rng, m * k));
        PackedMatrix<A> b = fast.pack(false, k, n, p.fromDoubles(random(rng, k * n)), 0, n, null);
        A bias = p.fromDoubles(random(rng, n));
        double[] c0 = random(rng, m * n);
        A whole = p.fromDoubles(new double[m * n]);
        A wholeAcc = p.fromDoubles(c0);
        fast.gemmBias(ta, m, n, k, a, 0, lda, b, bias, whole, 0, n);
        fast.gemm(ta, m, n, k, a, 0, lda, b, true, wholeAcc, 0, n);
        for (int s = DoubleVectorKernels.ROW_ALIGN; s < m; s += DoubleVectorKernels.ROW_ALIGN) {
            A split = p.fromDoubles(new double[m * n]);
            A splitAcc = p.fromDoubles(c0);
            // rows [0, s) and [s, m): A's row i starts at i (transposed) or i * lda
            int a1 = ta ? s : s * lda;
            fast.gemmBias(ta, s, n, k, a, 0, lda, b, bias, split, 0, n);
            fast.gemmBias(ta, m - s, n, k, a, a1, lda, b, bias, split, s * n, n);
            fast.gemm(ta, s, n, k, a, 0, lda, b, true, splitAcc, 0, n);
            fast.gemm(ta, m - s, n, k, a, a1, lda, b, true, splitAcc, s * n, n);
            String what = p + " transA=" + ta + " k=" + k + ": rows split at " + s + " of " + m;
            assertArrayEquals(p.toDoubles(whole), p.toDoubles(split), 0.0, what + " changed the product with a bias");
            assertArrayEquals(p.toDoubles(wholeAcc), p.toDoubles(splitAcc), 0.0, what + " changed the accumulated product");
        }
    }

    private static <A> void check(Precision<A> p, boolean ta, boolean tb, boolean acc, int m, int n, int k,
                                  SplittableRandom rng) {
        Kernels<A> fast = p.kernels();
        Kernels<A> ref = p.reference().kernels();
        // leading dimensions larger than the rows, and offsets, as the layers use them
        int lda = (ta ? m : k) + 2;
        int ldb = (tb ? k : n) + 1;
        int ldc = n + 3;
        A a = p.fromDoubles(random(rng, 5 + (ta ? k : m) * lda));
        A b = p.fromDoubles(random(rng, 4 + (tb ? n : k) * ldb));
        double[] c0 = random(rng, 6 + m * ldc);
        A cFast = p.fromDoubles(c0);
        A cRef = p.fromDoubles(c0);
        A cPacked = p.fromDoubles(c0);
        fast.gemm(ta, tb, m, n, k, a, 5, lda, b, 4, ldb, acc, cFast, 6, ldc);
        ref.gemm(ta, tb, m, n, k, a, 5, lda, b, 4, ldb, acc, cRef, 6, ldc);
        fast.gemm(ta, m, n, k, a, 5, lda, fast.pack(tb, k, n, b, 4, ldb, null), acc, cPacked, 6, ldc);
        double[] f = p.toDoubles(cFast);
        double[] r = p.toDoubles(cRef);
        double tol = (p.isDouble() ? 1e-12 : 2e-5) * Math.max(1, k);
        String what = p + " transA=" + ta + " transB=" + tb + " accumulate=" + acc;
        for (int i = 0; i < f.length; i++) {
            boolean inC = i >= 6 && (i - 6) / ldc < m && (i - 6) % ldc < n;
            if (!inC) {
                assertTrue(f[i] == c0[i] || !p.isDouble() && (float) c0[i] == (float) f[i],
                        what + ": element " + i + " outside C modified");
            } else {
                assertTrue(Math.abs(f[i] - r[i]) <= tol, what + ": element " + i + ": " + f[i] + " vs " + r[i]);
            }
        }
        assertArrayEquals(p.toDoubles(cPacked), f, 0.0, what + ": packing B by blocks changed the result");
        A cOne = p.fromDoubles(c0);
        p.withThreads(1).kernels().gemm(ta, tb, m, n, k, a, 5, lda, b, 4, ldb, acc, cOne, 6, ldc);
        assertArrayEquals(p.toDoubles(cOne), f, 0.0, what + ": the thread count changed the result");
        if (!acc) {
            checkBias(p, ta, tb, m, n, k, a, lda, b, ldb, c0, ldc, rng, what);
        }
    }

    /**
     * {@code gemmBias} against the reference (product, then the bias added to each row) and against
     * the fast product followed by that pass.
     */
    private static <A> void checkBias(Precision<A> p, boolean ta, boolean tb, int m, int n, int k, A a, int lda,
                                      A b, int ldb, double[] c0, int ldc, SplittableRandom rng, String what) {
        Kernels<A> fast = p.kernels();
        Kernels<A> ref = p.reference().kernels();
        A bias = p.fromDoubles(random(rng, n));
        A cFast = p.fromDoubles(c0);
        A cRef = p.fromDoubles(c0);
        A cTwoPass = p.fromDoubles(c0);
        fast.gemmBias(ta, m, n, k, a, 5, lda, fast.pack(tb, k, n, b, 4, ldb, null), bias, cFast, 6, ldc);
        ref.gemmBias(ta, m, n, k, a, 5, lda, ref.pack(tb, k, n, b, 4, ldb, null), bias, cRef, 6, ldc);
        fast.gemm(ta, m, n, k, a, 5, lda, fast.pack(tb, k, n, b, 4, ldb, null), false, cTwoPass, 6, ldc);
        for (int i = 0; i < m; i++) {
            fast.addInto(bias, 0, cTwoPass, 6 + i * ldc, n);
        }
        double[] f = p.toDoubles(cFast);
        double[] r = p.toDoubles(cRef);
        double tol = (p.isDouble() ? 1e-12 : 2e-5) * Math.max(1, k);
        for (int i = 0; i < f.length; i++) {
            boolean inC = i >= 6 && (i - 6) / ldc < m && (i - 6) % ldc < n;
            if (!inC) {
                assertTrue(f[i] == r[i], what + " gemmBias: element " + i + " outside C modified");
            } else {
                assertTrue(Math.abs(f[i] - r[i]) <= tol, what + " gemmBias: element " + i + ": " + f[i] + " vs " + r[i]);
            }
        }
        A cOne = p.fromDoubles(c0);
        Kernels<A> one = p.withThreads(1).kernels();
        one.gemmBias(ta, m, n, k, a, 5, lda, one.pack(tb, k, n, b, 4, ldb, null), bias, cOne, 6, ldc);
        assertArrayEquals(p.toDoubles(cOne), f, 0.0, what + " gemmBias: the thread count changed the result");
        double[] two = p.toDoubles(cTwoPass);
        for (int i = 0; i < f.length; i++) {
            assertTrue(Math.abs(f[i] - two[i]) <= tol, what + " gemmBias vs product + bias: element " + i);
        }
    }
}
