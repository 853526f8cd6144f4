// Lab code for docs/performance/lab/panel-alignment.md: how much the per-step product loses when
// every 64-byte vector load of its packed panels straddles two cache lines. Not part of the build.
// One thread, float32, C[30, 2048] = A[30, 512] · B[512, 2048] with B in panels of 64 columns
// ([512, 64] each, 4 MB in all: under G1 a humongous array, so its first element lies 16 bytes past
// a region's start). The panels begin at element `start` of the array; 12 puts them on a line.
// Run: java --add-modules jdk.incubator.vector docs/performance/lab/PanelAlignment.java
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

public class PanelAlignment {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final int L = 16;
    static final int NR = 4 * L;
    static final int M = 30;
    static final int N = 2048;
    static final int K = 512;

    public static void main(String[] args) {
        int[] starts = {0, 4, 8, 12};
        float[] a = new float[M * K];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 0.01f;
        }
        float[][] panels = new float[starts.length][];
        for (int s = 0; s < starts.length; s++) {
            panels[s] = new float[starts[s] + N * K];
            for (int i = 0; i < N * K; i++) {
                panels[s][starts[s] + i] = (i % 5) * 0.01f;
            }
        }
        float[] c = new float[M * N];
        double[][] gflops = new double[starts.length][7];
        for (int round = -2; round < 7; round++) {          // two rounds of warm-up, then seven timed
            for (int s = 0; s < starts.length; s++) {
                long t0 = System.nanoTime();
                long products = 0;
                while (System.nanoTime() - t0 < 500_000_000L) {
                    product(a, panels[s], starts[s], c);
                    products++;
                }
                if (round >= 0) {
                    gflops[s][round] = 2.0 * M * N * K * products / (System.nanoTime() - t0);
                }
            }
        }
        for (int s = 0; s < starts.length; s++) {
            double[] g = gflops[s].clone();
            Arrays.sort(g);
            System.out.printf("panels from element %2d: median %.1f GFLOP/s (%.1f-%.1f)%n", starts[s], g[3], g[0], g[6]);
        }
    }

    static void product(float[] a, float[] b, int start, float[] c) {
        for (int jp = 0; jp < N / NR; jp++) {
            for (int i = 0; i < M; i += 6) {
                tile6(a, i * K, b, start + jp * K * NR, c, i * N + jp * NR);
            }
        }
    }

    /** C[6, NR] = A[6, K] · panel[K, NR]: 24 accumulators, four panel loads and six broadcasts a step. */
    static void tile6(float[] a, int a0, float[] b, int b0, float[] c, int c0) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00, c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        int r0 = a0, r1 = a0 + K, r2 = a0 + 2 * K, r3 = a0 + 3 * K, r4 = a0 + 4 * K, r5 = a0 + 5 * K;
        for (int p = 0, o = b0; p < K; p++, o += NR) {
            FloatVector v0 = FloatVector.fromArray(S, b, o), v1 = FloatVector.fromArray(S, b, o + L);
            FloatVector v2 = FloatVector.fromArray(S, b, o + 2 * L), v3 = FloatVector.fromArray(S, b, o + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[r0 + p]);
            c00 = x.fma(v0, c00); c01 = x.fma(v1, c01); c02 = x.fma(v2, c02); c03 = x.fma(v3, c03);
            x = FloatVector.broadcast(S, a[r1 + p]);
            c10 = x.fma(v0, c10); c11 = x.fma(v1, c11); c12 = x.fma(v2, c12); c13 = x.fma(v3, c13);
            x = FloatVector.broadcast(S, a[r2 + p]);
            c20 = x.fma(v0, c20); c21 = x.fma(v1, c21); c22 = x.fma(v2, c22); c23 = x.fma(v3, c23);
            x = FloatVector.broadcast(S, a[r3 + p]);
            c30 = x.fma(v0, c30); c31 = x.fma(v1, c31); c32 = x.fma(v2, c32); c33 = x.fma(v3, c33);
            x = FloatVector.broadcast(S, a[r4 + p]);
            c40 = x.fma(v0, c40); c41 = x.fma(v1, c41); c42 = x.fma(v2, c42); c43 = x.fma(v3, c43);
            x = FloatVector.broadcast(S, a[r5 + p]);
            c50 = x.fma(v0, c50); c51 = x.fma(v1, c51); c52 = x.fma(v2, c52); c53 = x.fma(v3, c53);
        }
        int d0 = c0, d1 = c0 + N, d2 = c0 + 2 * N, d3 = c0 + 3 * N, d4 = c0 + 4 * N, d5 = c0 + 5 * N;
        c00.intoArray(c, d0); c01.intoArray(c, d0 + L); c02.intoArray(c, d0 + 2 * L); c03.intoArray(c, d0 + 3 * L);
        c10.intoArray(c, d1); c11.intoArray(c, d1 + L); c12.intoArray(c, d1 + 2 * L); c13.intoArray(c, d1 + 3 * L);
        c20.intoArray(c, d2); c21.intoArray(c, d2 + L); c22.intoArray(c, d2 + 2 * L); c23.intoArray(c, d2 + 3 * L);
        c30.intoArray(c, d3); c31.intoArray(c, d3 + L); c32.intoArray(c, d3 + 2 * L); c33.intoArray(c, d3 + 3 * L);
        c40.intoArray(c, d4); c41.intoArray(c, d4 + L); c42.intoArray(c, d4 + 2 * L); c43.intoArray(c, d4 + 3 * L);
        c50.intoArray(c, d5); c51.intoArray(c, d5 + L); c52.intoArray(c, d5 + 2 * L); c53.intoArray(c, d5 + 3 * L);
    }
}
