package dev.recur.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vectorised {@code addColumnSums} (columns in register-held chunks, split over threads) against
 * the plain reference: the same sums in the same row order, so the same bits, for column counts
 * that leave a partial chunk, for one row, and on one and two threads; and {@code addRowVector}
 * (rows split over threads when large) likewise.
 */
class ColumnSumsTest {

    @ParameterizedTest(name = "rows={0} cols={1}")
    @CsvSource({"1,1", "3,15", "5,64", "17,65", "40,130", "700,1031", "1,2048", "600,1024"})
    void vectorisedEqualsReferenceToTheBit(int rows, int cols) {
        SplittableRandom rng = new SplittableRandom(rows * 10_000L + cols);
        double[] in = new double[3 + rows * cols];
        for (int i = 0; i < in.length; i++) {
            in[i] = rng.nextDouble(-1, 1);
        }
        double[] out = new double[cols];
        for (int j = 0; j < cols; j++) {
            out[j] = rng.nextDouble(-1, 1);
        }
        for (Precision<?> p : new Precision<?>[] {Precision.F64, Precision.F32}) {
            check(p, rows, cols, in, out);
        }
    }

    private static <A> void check(Precision<A> p, int rows, int cols, double[] in, double[] out) {
        A x = p.fromDoubles(in);
        A want = p.fromDoubles(out);
        p.reference().kernels().addColumnSums(x, 3, rows, cols, want);
        for (int threads : new int[] {1, 2}) {
            A got = p.fromDoubles(out);
            p.withThreads(threads).kernels().addColumnSums(x, 3, rows, cols, got);
            assertArrayEquals(p.toDoubles(want), p.toDoubles(got), 0.0, p + " on " + threads + " thread(s)");
        }
    }

    @ParameterizedTest(name = "rows={0} cols={1}")
    @CsvSource({"1,1", "3,15", "40,130", "700,3100", "3200,700"})
    void rowVectorOnThreadsEqualsReferenceToTheBit(int rows, int cols) {
        SplittableRandom rng = new SplittableRandom(rows * 10_000L + cols);
        double[] y = new double[5 + rows * cols];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextDouble(-1, 1);
        }
        double[] v = new double[cols];
        for (int j = 0; j < cols; j++) {
            v[j] = rng.nextDouble(-1, 1);
        }
        for (Precision<?> p : new Precision<?>[] {Precision.F64, Precision.F32}) {
            checkRowVector(p, rows, cols, v, y);
        }
    }

    private static <A> void checkRowVector(Precision<A> p, int rows, int cols, double[] v, double[] y) {
        A b = p.fromDoubles(v);
        A want = p.fromDoubles(y);
        p.reference().kernels().addRowVector(b, rows, cols, want, 5);
        for (int threads : new int[] {1, 2}) {
            A got = p.fromDoubles(y);
            p.withThreads(threads).kernels().addRowVector(b, rows, cols, got, 5);
            assertArrayEquals(p.toDoubles(want), p.toDoubles(got), 0.0, p + " on " + threads + " thread(s)");
        }
    }
}
