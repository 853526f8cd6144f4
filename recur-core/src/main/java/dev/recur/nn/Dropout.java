package dev.recur.nn;

import dev.recur.tensor.Precision;

/**
 * Inverted dropout: in training, each element is set to 0 with probability {@code p} and the others
 * are multiplied by {@code 1/(1−p)}, so the expected value is unchanged and inference needs no
 * rescaling. Outside training it passes its input through.
 *
 * <pre>
 * forward:  y = x ⊙ m        m_i = 0 with probability p, else 1/(1−p)
 * backward: dx = dy ⊙ m
 * </pre>
 *
 * <p>The masks are counter-based: mask number {@code c} is a pure function of
 * {@code (seed, c, element index)} (SplitMix64), so the whole random state is the pair
 * {@code (seed, counter)}. Saving {@link #draws()} and restoring it with {@link #setDraws} resumes
 * the exact sequence of masks. Every training-mode forward pass with {@code p > 0} draws one mask
 * and advances the counter by one.
 *
 * <p>Not thread-safe (the counter is mutable).
 *
 * @param <A> the array type
 */
public final class Dropout<A> extends Module<A> implements Layer<A, Activations<A>, Activations<A>>, Module.Stochastic {

    private final double p;
    private final long seed;
    private long counter;
    /** The mask of the last forward pass, or null when it passed its input through. */
    private A mask;
    private boolean forwarded;

    /**
     * @param precision the precision
     * @param p         drop probability in {@code [0, 1)}; 0 disables dropout
     * @param seed      seeds the masks
     */
    public Dropout(Precision<A> precision, double p, long seed) {
        super(precision);
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
    @Override
    public long draws() {
        return counter;
    }

    /** Restores the random state, e.g. when resuming from a checkpoint. */
    @Override
    public void setDraws(long draws) {
        if (draws < 0) {
            throw new IllegalArgumentException("dropout counter must be >= 0, found " + draws);
        }
        this.counter = draws;
    }

    /**
     * In training with {@code p > 0}: {@code x ⊙ m} in a new array, drawing the next mask. Otherwise
     * {@code x} itself.
     *
     * @param x any activations
     * @return the same arrangement
     */
    @Override
    public Activations<A> forward(Activations<A> x) {
        forwarded = true;
        if (!isTraining() || p == 0) {
            mask = null;
            return x;
        }
        int n = x.rows() * x.width();
        mask = mask(counter++, n);
        A y = kernels().alloc(n);
        kernels().copy(x.values(), 0, y, 0, n);
        kernels().multiplyInto(mask, 0, y, 0, n);
        return x.with(y, x.width());
    }

    /**
     * {@code dx = dy ⊙ m}, written over {@code dy}'s own array (which it returns), or {@code dy} itself
     * when the forward pass dropped nothing. Modifies {@code dy}.
     *
     * @param dy the gradient of the last forward pass's output
     * @return the gradient of its input
     */
    @Override
    public Activations<A> backward(Activations<A> dy) {
        if (!forwarded) {
            throw LayerShapes.noForward("dropout");
        }
        forwarded = false;
        if (mask != null) {
            kernels().multiplyInto(mask, 0, dy.values(), 0, dy.rows() * dy.width());
            mask = null;
        }
        return dy;
    }

    /**
     * Mask number {@code counter} of {@code n} elements (a pure function; does not advance the
     * counter): element {@code i} is 0 when {@code u(seed, counter, i) < p}, else {@code 1/(1−p)},
     * with {@code u} uniform in {@code [0, 1)}.
     */
    public A mask(long counter, int n) {
        return invertedMask(precision(), p, CounterRandom.mix(CounterRandom.mix(seed) + counter), n);
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
