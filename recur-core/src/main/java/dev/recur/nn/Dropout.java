package dev.recur.nn;

import dev.recur.tensor.Precision;

/**
 * Inverted dropout: in training, each element is set to 0 with probability {@code p} and the others
 * are multiplied by {@code 1/(1−p)}, so the expected value is unchanged and inference needs no
 * rescaling. Outside training it does nothing.
 *
 * <p>The masks are counter-based: mask number {@code c} is a pure function of
 * {@code (seed, c, element index)} (SplitMix64), so the whole random state is the pair
 * {@code (seed, counter)}. Saving {@link #counter()} and restoring it with {@link #setCounter} resumes
 * the exact sequence of masks. Every training-mode {@link #forward} with {@code p > 0} draws one mask
 * and advances the counter by one.
 *
 * <p>Not thread-safe (the counter is mutable).
 */
public final class Dropout {

    private final double p;
    private final long seed;
    private long counter;

    /**
     * @param p    drop probability in {@code [0, 1)}; 0 disables dropout
     * @param seed seeds the masks
     */
    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + p);
        }
        this.p = p;
        this.seed = seed;
    }

    /** The drop probability. */
    public double p() {
        return p;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** How many masks have been drawn: the mutable half of the random state. */
    public long counter() {
        return counter;
    }

    /** Restores the random state, e.g. when resuming from a checkpoint. */
    public void setCounter(long counter) {
        if (counter < 0) {
            throw new IllegalArgumentException("dropout counter must be >= 0, found " + counter);
        }
        this.counter = counter;
    }

    /**
     * Applies dropout to {@code x[0 .. n)} in place when {@code training} and {@code p > 0}, drawing
     * the next mask. Modifies {@code x} (only then).
     *
     * @return the mask {@code [n]} that was applied (each element {@code 0} or {@code 1/(1−p)}), for
     *         {@link #backward}; null if nothing was done
     */
    public <A> A forward(Precision<A> precision, A x, int n, boolean training) {
        if (!training || p == 0) {
            return null;
        }
        if (precision.kernels().length(x) < n) {
            throw new IllegalArgumentException("dropout input: expected at least " + n + " values, found "
                    + precision.kernels().length(x));
        }
        A mask = mask(precision, counter++, n);
        precision.kernels().multiplyInto(mask, 0, x, 0, n);
        return mask;
    }

    /**
     * Back-propagates through {@link #forward}: {@code dx[i] *= mask[i]}. Does nothing when
     * {@code mask} is null. Modifies {@code dx}.
     */
    public static <A> void backward(Precision<A> precision, A mask, A dx, int n) {
        if (mask != null) {
            precision.kernels().multiplyInto(mask, 0, dx, 0, n);
        }
    }

    /**
     * Mask number {@code counter} of {@code n} elements (a pure function; does not advance the
     * counter): element {@code i} is 0 when {@code u(seed, counter, i) < p}, else {@code 1/(1−p)},
     * with {@code u} uniform in {@code [0, 1)}.
     */
    public <A> A mask(Precision<A> precision, long counter, int n) {
        return invertedMask(precision, p, CounterRandom.mix(CounterRandom.mix(seed) + counter), n);
    }

    /**
     * An inverted dropout mask of {@code n} elements drawn from counter-based keys: element
     * {@code i} is 0 when {@link CounterRandom#uniform uniform}{@code (base + i) < p}, else
     * {@code 1/(1−p)}.
     *
     * @param p    drop probability, in {@code [0, 1)}
     * @param base the key of element 0 (a mix of the seed and the counters that name the mask)
     */
    public static <A> A invertedMask(Precision<A> precision, double p, long base, int n) {
        double keep = 1 / (1 - p);
        double[] m = new double[n];
        for (int i = 0; i < n; i++) {
            m[i] = CounterRandom.uniform(base + i) < p ? 0 : keep;
        }
        return precision.fromDoubles(m);
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ", seed=" + seed + ", counter=" + counter + ")";
    }
}
