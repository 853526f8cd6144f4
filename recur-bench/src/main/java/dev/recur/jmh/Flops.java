package dev.recur.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Work counters reported beside a benchmark's own score. In throughput mode JMH divides each
 * field by the iteration time: {@code gflop} is then reported as GFLOP/s ({@code ops/s} of the
 * secondary result {@code :gflop}).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Flops {

    /** GFLOP done this iteration. */
    public double gflop;

    /** Clears the counters (JMH does not). */
    @Setup(Level.Iteration)
    public void clear() {
        gflop = 0;
    }
}
