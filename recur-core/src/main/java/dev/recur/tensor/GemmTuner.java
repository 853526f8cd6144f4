package dev.recur.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Measures {@link GemmTuning}s on this machine and picks the fastest: the products a recurrent
 * layer runs (float32, at the sizes of the standard workloads W1 and W2, with a batch-1 step and a
 * backward step whose inner dimension exceeds one block) are timed under each candidate, one
 * setting at a time from {@link GemmTuning#DEFAULT} (the inner block, then the row block, the tile
 * height, the packing of {@code A}'s rows and the parallel threshold), and the winner is kept only
 * if, timed again alternately with the default, it beats it by at least {@value #MIN_GAIN_PERCENT}%.
 * A candidate's score is the geometric mean over the products of their GFLOP/s, each the best of
 * several timed batches (the least disturbed by whatever else runs). Results do not depend on the
 * tuning, so nothing here can change one.
 *
 * <p>Not thread-safe: one tuning at a time (it times the machine).
 */
public final class GemmTuner {

    /** The chosen setting must beat the default by this much in the final alternation. */
    public static final double MIN_GAIN_PERCENT = 3.0;
    /** The inner blocks tried. */
    static final int[] INNER_BLOCKS = {128, 192, 256, 384, 512, 768, 1024};
    /** The row blocks tried. */
    static final int[] ROW_BLOCKS = {48, 96, 192, 384, 768};
    /** The tile heights tried. */
    static final int[] TILE_ROWS = {6, 4};
    /** The panel counts from which A's rows are packed into strips, tried (0: never). */
    static final long[] STRIP_PANELS = {16, 8, 0};
    /** The parallel thresholds tried (more than one thread only). */
    static final long[] PARALLEL = {1L << 18, 1L << 19, 1L << 20, 1L << 21, 1L << 22};
    /** Alternate rounds of the default and the winner at the end. */
    private static final int FINAL_ROUNDS = 5;

    /**
     * One setting and its score.
     *
     * @param tuning the setting
     * @param gflops the geometric mean over the products of their best GFLOP/s
     */
    public record Trial(GemmTuning tuning, double gflops) {
    }

    /**
     * What a tuning found.
     *
     * @param chosen        the setting to use: the winner, or the default if the winner did not beat it
     * @param defaultGflops the default's score in the final alternation (the median of its rounds)
     * @param chosenGflops  the chosen setting's score there (equal to the default's when it is chosen)
     * @param trials        every setting timed, in order
     */
    public record Result(GemmTuning chosen, double defaultGflops, double chosenGflops, List<Trial> trials) {

        /** The chosen setting's gain over the default, in percent. */
        public double gainPercent() {
            return 100 * (chosenGflops / defaultGflops - 1);
        }
    }

    /** A product to time: {@code C[m, n] (+)= A · B} as a layer calls it. */
    private record Shape(String name, int m, int n, int k, boolean packed, boolean transA) {
        long flops() {
            return 2L * m * n * k;
        }
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("step W1 [32x256]x[256x1024]", 32, 1024, 256, true, false),
            new Shape("step W2 [64x512]x[512x2048]", 64, 2048, 512, true, false),
            new Shape("step B1 [1x512]x[512x2048]", 1, 2048, 512, true, false),
            new Shape("backward step W1 [32x1024]x[1024x256]", 32, 256, 1024, true, false),
            new Shape("projection W1 [3200x128]x[128x1024]", 3200, 1024, 128, true, false),
            new Shape("weight gradient W1 [1024x3200]T x [3200x256]", 1024, 256, 3200, false, true));

    private final Precision<float[]> precision;
    private final long batchNanos;
    private final int batches;
    private final List<float[]> a = new ArrayList<>();
    private final List<float[]> b = new ArrayList<>();
    private final List<float[]> c = new ArrayList<>();

    /**
     * A tuner for products on {@code threads} threads.
     *
     * @param threads    threads of the products (as training will run them)
     * @param batchNanos the length of one timed batch of calls
     * @param batches    timed batches per product and setting (the best counts)
     * @throws IllegalStateException if the vectorised kernels are unavailable (nothing to tune)
     */
    public GemmTuner(int threads, long batchNanos, int batches) {
        if (!Precision.vectorAvailable()) {
            throw new IllegalStateException(Precision.vectorUnavailableReason());
        }
        if (threads < 1 || batchNanos < 1 || batches < 1) {
            throw new IllegalArgumentException("expected threads, batch length and batches of at least 1, found "
                    + threads + ", " + batchNanos + ", " + batches);
        }
        this.precision = Precision.F32.withThreads(threads);
        this.batchNanos = batchNanos;
        this.batches = batches;
        SplittableRandom random = new SplittableRandom(1);
        for (Shape s : SHAPES) {
            a.add(randoms(random, s.m * s.k));
            b.add(randoms(random, s.k * s.n));
            c.add(new float[s.m * s.n]);
        }
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return out;
    }

    /**
     * Times the candidates and picks the setting to use.
     *
     * @param progress told each trial as it ends, as one line
     */
    public Result tune(Consumer<String> progress) {
        List<Trial> trials = new ArrayList<>();
        // the kernels compiled (every tile height, rows packed and not) before anything counts: on two
        // busy cores the JIT's last large compilations end seconds in
        long warmEnd = System.nanoTime() + 50 * batchNanos;
        GemmTuning start = GemmTuning.DEFAULT;
        GemmTuning fourRows = new GemmTuning(start.innerBlock(), start.rowBlock(), 4, start.parallelFlops(),
                start.stripPanels());
        while (System.nanoTime() < warmEnd) {
            score(start);
            score(fourRows);
            score(start.withStripPanels(0));
        }
        GemmTuning best = start;
        best = bestOf(trials, progress, best, v -> new GemmTuning((int) v, start.rowBlock(), start.tileRows(),
                start.parallelFlops(), start.stripPanels()), longs(INNER_BLOCKS));
        GemmTuning kc = best;
        best = bestOf(trials, progress, best, v -> new GemmTuning(kc.innerBlock(), (int) v, kc.tileRows(),
                kc.parallelFlops(), kc.stripPanels()), longs(ROW_BLOCKS));
        GemmTuning mc = best;
        best = bestOf(trials, progress, best, v -> new GemmTuning(mc.innerBlock(), mc.rowBlock(), (int) v,
                mc.parallelFlops(), mc.stripPanels()), longs(TILE_ROWS));
        GemmTuning tile = best;
        best = bestOf(trials, progress, best, v -> tile.withStripPanels((int) v), STRIP_PANELS);
        if (precision.kernels().threads() > 1) {
            GemmTuning pack = best;
            best = bestOf(trials, progress, best, v -> new GemmTuning(pack.innerBlock(), pack.rowBlock(),
                    pack.tileRows(), v, pack.stripPanels()), PARALLEL);
        }
        if (best.equals(GemmTuning.DEFAULT)) {
            double d = score(GemmTuning.DEFAULT);
            return new Result(GemmTuning.DEFAULT, d, d, trials);
        }
        // the winner against the default, alternately, on the median of each
        double[] def = new double[FINAL_ROUNDS];
        double[] win = new double[FINAL_ROUNDS];
        for (int r = 0; r < FINAL_ROUNDS; r++) {
            def[r] = score(GemmTuning.DEFAULT);
            win[r] = score(best);
            progress.accept("final round " + (r + 1) + ": default " + format(def[r]) + ", " + best + " "
                    + format(win[r]) + " GFLOP/s");
        }
        double d = median(def);
        double w = median(win);
        return w >= d * (1 + MIN_GAIN_PERCENT / 100) ? new Result(best, d, w, trials)
                : new Result(GemmTuning.DEFAULT, d, d, trials);
    }

    private GemmTuning bestOf(List<Trial> trials, Consumer<String> progress, GemmTuning current,
                              LongFunction<GemmTuning> candidate, long[] values) {
        GemmTuning best = current;
        double bestScore = -1;
        for (long v : values) {
            GemmTuning t = candidate.apply(v);
            double s = score(t);
            trials.add(new Trial(t, s));
            progress.accept(t + ": " + format(s) + " GFLOP/s");
            if (s > bestScore) {
                best = t;
                bestScore = s;
            }
        }
        return best;
    }

    /** The geometric mean over the products of their best GFLOP/s under {@code tuning}. */
    double score(GemmTuning tuning) {
        Kernels<float[]> kernels = precision.withTuning(tuning).kernels();
        double logSum = 0;
        for (int i = 0; i < SHAPES.size(); i++) {
            Shape s = SHAPES.get(i);
            float[] ai = a.get(i);
            float[] bi = b.get(i);
            float[] ci = c.get(i);
            PackedMatrix<float[]> packed = s.packed ? kernels.pack(true, s.k, s.n, bi, 0, s.k, null) : null;
            double best = Double.MAX_VALUE;
            for (int batch = 0; batch < batches; batch++) {
                long start = System.nanoTime();
                long calls = 0;
                long now;
                do {
                    if (packed != null) {
                        kernels.gemm(false, s.m, s.n, s.k, ai, 0, s.k, packed, false, ci, 0, s.n);
                    } else {
                        kernels.gemm(s.transA, false, s.m, s.n, s.k, ai, 0, s.transA ? s.m : s.k, bi, 0, s.n,
                                false, ci, 0, s.n);
                    }
                    calls++;
                    now = System.nanoTime();
                } while (now - start < batchNanos);
                best = Math.min(best, (double) (now - start) / calls);
            }
            logSum += Math.log(s.flops() / best);
        }
        return Math.exp(logSum / SHAPES.size());
    }

    private static long[] longs(int[] values) {
        return Arrays.stream(values).asLongStream().toArray();
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String format(double gflops) {
        return String.format(Locale.ROOT, "%.1f", gflops);
    }
}
