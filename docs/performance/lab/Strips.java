// Lab code for docs/performance/lab/tile-loop.md: the products of the LSTM workloads with A's rows
// read where they lie (strips=0) and packed into strips for ranges of at least 16 panels (the
// default) or 8, alternated in one JVM so that the machine's slow phases and the JIT's moods fall on
// all three. Not part of the build.
// Run from the repository root after a build (./recur --help builds it):
//   java --add-modules jdk.incubator.vector -cp "recur-cli/target/lib/*" docs/performance/lab/Strips.java
import dev.recur.tensor.GemmTuning;
import dev.recur.tensor.Kernels;
import dev.recur.tensor.PackedMatrix;
import dev.recur.tensor.Precision;
import java.util.Arrays;
import java.util.SplittableRandom;

public class Strips {

    /** A product C[m, n] = A[m, k] · B[k, n] (A transposed where transA), on this many threads. */
    record Shape(String name, int threads, int m, int n, int k, boolean transA) {
    }

    static final Shape[] SHAPES = {
        new Shape("W2 step, 32 rows (a thread's share)", 1, 32, 2048, 512, false),
        new Shape("W2 step, 64 rows", 1, 64, 2048, 512, false),
        new Shape("W1 step, 16 rows (a thread's share)", 1, 16, 1024, 256, false),
        new Shape("W2 input projection, 2 threads", 2, 8192, 2048, 512, false),
        new Shape("W1 input projection, 2 threads (8 panels each)", 2, 3200, 1024, 128, false),
        new Shape("W2 weight gradient (A transposed), 1 thread", 1, 2048, 512, 8192, true),
    };

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        GemmTuning[] tunings = {GemmTuning.DEFAULT.withStripPanels(0), GemmTuning.DEFAULT,
            GemmTuning.DEFAULT.withStripPanels(8)};
        SplittableRandom rng = new SplittableRandom(1);
        for (Shape s : SHAPES) {
            float[] a = random(rng, s.m * s.k);
            float[] b = random(rng, s.k * s.n);
            float[] c = new float[s.m * s.n];
            double[][] gflops = new double[tunings.length][rounds];
            float[][] results = new float[tunings.length][];
            for (int round = -2; round < rounds; round++) {   // two rounds of warm-up
                for (int t = 0; t < tunings.length; t++) {
                    Kernels<float[]> k = Precision.F32.withThreads(s.threads).withTuning(tunings[t]).kernels();
                    PackedMatrix<float[]> packed = s.transA ? null : k.pack(false, s.k, s.n, b, 0, s.n, null);
                    long t0 = System.nanoTime();
                    long products = 0;
                    while (System.nanoTime() - t0 < 400_000_000L) {
                        if (s.transA) {
                            k.gemm(true, false, s.m, s.n, s.k, a, 0, s.m, b, 0, s.n, false, c, 0, s.n);
                        } else {
                            k.gemm(false, s.m, s.n, s.k, a, 0, s.k, packed, false, c, 0, s.n);
                        }
                        products++;
                    }
                    if (round >= 0) {
                        gflops[t][round] = 2.0 * s.m * s.n * s.k * products / (System.nanoTime() - t0);
                    }
                    results[t] = c.clone();
                }
            }
            System.out.printf("%s: m=%d n=%d k=%d%n", s.name, s.m, s.n, s.k);
            for (int t = 0; t < tunings.length; t++) {
                double[] g = gflops[t].clone();
                Arrays.sort(g);
                String bits = t == 0 ? "" : Arrays.equals(results[t], results[0]) ? ", same bits" : ", BITS DIFFER";
                System.out.printf("  %-50s median %6.1f GFLOP/s (%.1f-%.1f)%s%n", tunings[t], g[rounds / 2], g[0],
                        g[rounds - 1], bits);
            }
        }
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }
}
