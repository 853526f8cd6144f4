package dev.recur.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link Flops} for whole workloads, plus tokens: in throughput mode {@code :gflop} is GFLOP/s
 * and {@code :tokens} is sequence steps ({@code B·T} per run) per second.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class WorkloadCounters {

    /** GFLOP credited this iteration. */
    public double gflop;
    /** Tokens processed this iteration. */
    public double tokens;

    /** Clears the counters (JMH does not). */
    @Setup(Level.Iteration)
    public void clear() {
        gflop = 0;
        tokens = 0;
    }
}
