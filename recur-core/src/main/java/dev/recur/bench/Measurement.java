package dev.recur.bench;

/**
 * The timing of one workload in one mode.
 *
 * <p>Immutable once built, but it keeps the samples array it is given: do not change it while the
 * measurement is shared between threads.
 *
 * @param workload   {@code W1} … {@code W7}
 * @param mode       {@code forward} or {@code train_step}
 * @param threads    threads used
 * @param medianMs   median of the timed runs, milliseconds
 * @param minMs      fastest timed run, milliseconds
 * @param samplesMs  every timed run, milliseconds, in order
 * @param tokensPerS {@code B·T / median}
 * @param gflops     recurrent FLOPs ({@link Workload#flops}) / median, in GFLOP/s
 */
public record Measurement(String workload, String mode, int threads, double medianMs, double minMs,
                          double[] samplesMs, double tokensPerS, double gflops) {
}
