package dev.recur.nn.recurrent;

import dev.recur.tensor.Parallel;
import java.util.function.IntConsumer;

/**
 * Runs the per-row (per-sequence) part of a vectorised cell step over the kernels' thread team:
 * rows {@code [0, B)} are cut into one contiguous range per thread, each starting at a multiple of
 * {@link dev.recur.tensor.DoubleVectorKernels#ROW_ALIGN} rows, so that a range's share of a matrix
 * product sums every element in the same order as the whole product. Each row is then computed the
 * same way whichever thread runs it, and the split does not change any result. One instance per
 * {@link CellCache}, reused at every step, so the time loop does not allocate.
 *
 * @param <A> the array type
 */
final class RowSplit<A> implements IntConsumer {

    /** Row ranges start at multiples of this many rows (and keep groups of it together). */
    private static final int GROUP = dev.recur.tensor.DoubleVectorKernels.ROW_ALIGN;

    /** A cell whose step has a per-row part that can run on several threads at once. */
    interface Rows<A> {
        /** Runs phase {@code phase} of step {@code t} for rows {@code [b0, b1)}. */
        void rows(int phase, CellParams<A> p, CellCache<A> cache, int t, int prev, int cur, boolean[] active,
                  int b0, int b1);
    }

    private Rows<A> cell;
    private int phase;
    private CellParams<A> params;
    private CellCache<A> cache;
    private int t;
    private int prev;
    private int cur;
    private boolean[] active;
    private int ranges;

    /** Runs {@code cell.rows(phase, …)} over every row of {@code cache.batch}, split over the team. */
    void run(Rows<A> cell, int phase, CellParams<A> p, CellCache<A> cache, int t, int prev, int cur,
             boolean[] active) {
        Parallel team = cache.kernels.parallel();
        int nb = cache.batch;
        int n = ranges(team, nb);
        if (n <= 1) {
            cell.rows(phase, p, cache, t, prev, cur, active, 0, nb);
            return;
        }
        this.cell = cell;
        this.phase = phase;
        this.params = p;
        this.cache = cache;
        this.t = t;
        this.prev = prev;
        this.cur = cur;
        this.active = active;
        this.ranges = n;
        team.run(n, this);
        this.cell = null;
        this.params = null;
        this.cache = null;
        this.active = null;
    }

    @Override
    public void accept(int r) {
        int nb = cache.batch;
        cell.rows(phase, params, cache, t, prev, cur, active, start(nb, ranges, r), start(nb, ranges, r + 1));
    }

    /** How many ranges {@code nb} rows are cut into on {@code team}: one per thread, at most one per group. */
    static int ranges(Parallel team, int nb) {
        return Math.min(team.threads(), groups(nb));
    }

    /** The first row of range {@code r} of {@code ranges} (a multiple of {@link #GROUP}); {@code nb} for {@code r == ranges}. */
    static int start(int nb, int ranges, int r) {
        return Math.min(nb, Parallel.split(groups(nb), ranges, r) * GROUP);
    }

    /** Groups of {@link #GROUP} rows (the last one possibly shorter). */
    private static int groups(int nb) {
        return (nb + GROUP - 1) / GROUP;
    }
}
