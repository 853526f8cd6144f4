package dev.recur.jmh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Times several systems side by side in one JVM, for the benchmarks that compare recur with ONNX
 * Runtime outside JMH ({@link OnnxImportBench}, {@link QuantizedInferenceBench}).
 *
 * <p>Every system is warmed for at least {@code warmupS} seconds and 10 calls; the calls of a sample
 * are sized from the best of 3 timed calls. Then {@code rounds} rounds run the systems in turn (A, B,
 * C, then B, C, A, ...: each round starts one system later) so that load from other processes hits
 * all of them alike and none always follows the same one. In a round a system makes one untimed
 * call and then {@code samples} samples, each the mean of as many calls as fill {@code sampleMs}.
 * The figure is the median of all samples; the spread is the lowest and highest round median.
 */
final class InterleavedTiming {

    private InterleavedTiming() {
    }

    /** What was measured of one system, in milliseconds per call. */
    record Timing(double medianMs, double lowRoundMs, double highRoundMs, int callsPerSample, int samples) {
    }

    /**
     * Warms, then times the calls in interleaved rounds.
     *
     * @param calls    one call of each system
     * @param rounds   rounds
     * @param samples  samples per system and round
     * @param sampleMs the least length of a sample
     * @param warmupS  the least warm-up of each system, seconds
     * @return one timing per call, in order
     * @throws InterruptedException if interrupted between systems
     */
    static List<Timing> time(List<Runnable> calls, int rounds, int samples, double sampleMs, double warmupS)
            throws InterruptedException {
        int k = calls.size();
        int[] perSample = new int[k];
        for (int s = 0; s < k; s++) {
            Runnable call = calls.get(s);
            long until = System.nanoTime() + (long) (warmupS * 1e9);
            for (int i = 0; i < 10 || System.nanoTime() - until < 0; i++) {
                call.run();
            }
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                call.run();
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
            perSample[s] = Math.max(1, (int) Math.ceil(sampleMs / Math.max(best, 1e-3)));
        }
        double[][] all = new double[k][rounds * samples];
        double[][] roundMedians = new double[k][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < k; i++) {
                int s = (r + i) % k; // each round starts one system later: no system always goes first
                Thread.sleep(20); // lets the previous system's spinning helper threads settle
                Runnable call = calls.get(s);
                call.run();
                double[] these = new double[samples];
                for (int j = 0; j < samples; j++) {
                    long t0 = System.nanoTime();
                    for (int c = 0; c < perSample[s]; c++) {
                        call.run();
                    }
                    these[j] = (System.nanoTime() - t0) / 1e6 / perSample[s];
                    all[s][r * samples + j] = these[j];
                }
                roundMedians[s][r] = median(these);
            }
        }
        List<Timing> out = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            double[] rm = roundMedians[s].clone();
            Arrays.sort(rm);
            out.add(new Timing(median(all[s]), rm[0], rm[rm.length - 1], perSample[s], rounds * samples));
        }
        return out;
    }

    /** The median of {@code v} (the mean of the middle two for an even count). */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
