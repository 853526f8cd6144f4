package dev.recur.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads that splits a loop {@code [0, n)} into contiguous, equal ranges: the
 * calling thread runs the first range and {@code threads − 1} helper threads the others.
 *
 * <p>The split depends only on {@code n} and the thread count, so a computation that writes each
 * output element from one range gives bit-identical results run after run. Helpers spin briefly
 * between jobs (recurrent steps are short, and waking a parked thread costs tens of microseconds),
 * then park; they are daemon threads. A team is used by one caller at a time.
 */
public final class Parallel {

    /** A team of one: everything runs on the calling thread. */
    public static final Parallel SERIAL = new Parallel(1);

    private static final int SPINS = 1 << 12;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile IntConsumer job;
    private volatile int jobSize;
    private volatile Throwable failure;

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
     * Runs {@code body.accept(r)} for each range index {@code r} in {@code [0, ranges)}, where
     * {@code ranges <= threads()}; range {@code r} runs on thread {@code r}. Returns when all are
     * done; rethrows the first failure.
     */
    public void run(int ranges, IntConsumer body) {
        if (ranges <= 1 || workers.length == 0) {
            for (int r = 0; r < ranges; r++) {
                body.accept(r);
            }
            return;
        }
        int helpers = Math.min(ranges, threads) - 1;
        failure = null;
        jobSize = ranges;
        pending.set(helpers);
        job = body;
        for (int w = 0; w < helpers; w++) {
            workers[w].post();
        }
        body.accept(0);
        for (int r = threads; r < ranges; r++) {
            body.accept(r);
        }
        int spins = 0;
        while (pending.get() > 0) {
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

    /** Start of range {@code r} when {@code [0, n)} is cut into {@code ranges} near-equal parts. */
    public static int split(int n, int ranges, int r) {
        return (int) ((long) n * r / ranges);
    }

    private final class Worker implements Runnable {
        private final int index;
        private final Thread thread;
        private volatile long posted;
        private long seen;
        private volatile boolean parked;

        Worker(int index) {
            this.index = index;
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
                try {
                    IntConsumer body = job;
                    if (index < jobSize) {
                        body.accept(index);
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }
}
