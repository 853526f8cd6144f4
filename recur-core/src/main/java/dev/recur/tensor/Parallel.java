package dev.recur.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads that runs the ranges {@code 0 .. n-1} of a loop: the calling thread and
 * {@code threads − 1} helper threads claim ranges one at a time until none is left.
 *
 * <p>Which thread runs a range does not matter for the result: a range is always computed the same
 * way, so a computation that writes each output element from one range gives bit-identical
 * results run after run and whatever the thread count. Claiming (rather than assigning) ranges
 * keeps a busy machine from stalling the caller: if a helper is not scheduled, the caller runs its
 * ranges itself. Helpers spin briefly between jobs (recurrent steps are short, and waking a parked
 * thread costs tens of microseconds), then park; they are daemon threads.
 *
 * <p>Thread-safe: the team serves one caller at a time, and a caller that arrives while it is busy
 * (another thread, e.g. a second streaming session over the same model) runs its ranges on its own
 * thread, with the same results.
 */
public final class Parallel {

    /**
     * The most threads a configuration may ask for ({@link #requireThreads}, which recur's command
     * line and {@link dev.recur.train.TrainConfig} use, refuses more): far beyond any gain, and well
     * below the number of threads at which starting them fails.
     */
    public static final int MAX_THREADS = 256;

    /**
     * Checks a configured thread count: {@code 1..}{@link #MAX_THREADS}, or also {@code 0} (one
     * thread per processor) where the caller allows it.
     *
     * @param label   what gives the count, as the message names it, e.g. {@code threads} or {@code --threads}
     * @param threads the count
     * @param zeroForEachProcessor whether {@code 0} is allowed, meaning one thread per processor
     * @return {@code threads}
     * @throws IllegalArgumentException {@code "LABEL: expected 0..256 (0 = one per processor), found N;
     *                                  likely cause: ..."} if it is out of range
     */
    public static int requireThreads(String label, int threads, boolean zeroForEachProcessor) {
        int min = zeroForEachProcessor ? 0 : 1;
        if (threads < min || threads > MAX_THREADS) {
            throw new IllegalArgumentException(label + ": expected " + min + ".." + MAX_THREADS
                    + (zeroForEachProcessor ? " (0 = one per processor)" : "") + ", found " + threads
                    + "; likely cause: " + (threads > MAX_THREADS
                    ? "a count larger than useful (more threads only add overhead, and the results do not depend "
                            + "on the count)"
                    : zeroForEachProcessor ? "a negative count (0 gives one thread per processor)"
                    : "0 or a negative count (the computation runs on at least one thread)"));
        }
        return threads;
    }

    /** A team of one: everything runs on the calling thread. */
    public static final Parallel SERIAL = new Parallel(1);

    private static final int SPINS = 1 << 12;

    private final int threads;
    private final Worker[] workers;
    /** The job number (high 32 bits) and the next unclaimed range (low 32 bits). */
    private final AtomicLong cursor = new AtomicLong();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile IntConsumer job;
    private volatile int jobRanges;
    private volatile Throwable failure;
    private int jobNumber;
    /** Whether a caller holds the team. */
    private final AtomicBoolean busy = new AtomicBoolean();

    private Parallel(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Worker(w + 1);
            workers[w].thread.start();
        }
    }

    /**
     * A team of {@code threads} threads in all, the caller included.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static Parallel of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, found " + threads);
        }
        return threads == 1 ? SERIAL : new Parallel(threads);
    }

    /** The number of threads, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(r)} once for each range {@code r} in {@code [0, ranges)}, on whichever
     * thread claims it. Returns when all are done; rethrows the first failure.
     */
    public void run(int ranges, IntConsumer body) {
        if (ranges <= 1 || workers.length == 0 || !busy.compareAndSet(false, true)) {
            for (int r = 0; r < ranges; r++) {
                body.accept(r);
            }
            return;
        }
        try {
            runOnTeam(ranges, body);
        } finally {
            busy.set(false);
        }
    }

    private void runOnTeam(int ranges, IntConsumer body) {
        failure = null;
        job = body;
        jobRanges = ranges;
        finished.set(0);
        int number = ++jobNumber;
        cursor.set((long) number << 32);
        for (int w = 0, helpers = Math.min(ranges, threads) - 1; w < helpers; w++) {
            workers[w].post();
        }
        work(number, body, ranges);
        int spins = 0;
        while (finished.get() < ranges) {
            if (++spins > SPINS) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        job = null;
        Throwable t = failure;
        if (t != null) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    /** Claims and runs ranges of job {@code number} until none is left. */
    private void work(int number, IntConsumer body, int ranges) {
        while (true) {
            long c = cursor.get();
            int r = (int) c;
            if ((int) (c >>> 32) != number || r >= ranges) {
                return;
            }
            if (!cursor.compareAndSet(c, c + 1)) {
                continue;
            }
            try {
                body.accept(r);
            } catch (Throwable t) {
                failure = t;
            } finally {
                finished.incrementAndGet();
            }
        }
    }

    /** Start of range {@code r} when {@code [0, n)} is cut into {@code ranges} near-equal parts. */
    public static int split(int n, int ranges, int r) {
        return (int) ((long) n * r / ranges);
    }

    private final class Worker implements Runnable {
        private final Thread thread;
        private volatile long posted;
        private long seen;
        private volatile boolean parked;

        Worker(int index) {
            this.thread = new Thread(this, "recur-parallel-" + index);
            this.thread.setDaemon(true);
        }

        void post() {
            posted++;
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            while (true) {
                int spins = 0;
                while (posted == seen) {
                    if (++spins < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (posted == seen) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                seen = posted;
                // the job this post announced, or a later one: claims are checked against its number
                long c = cursor.get();
                IntConsumer body = job;
                int ranges = jobRanges;
                if (body != null) {
                    work((int) (c >>> 32), body, ranges);
                }
            }
        }
    }
}
