package dev.recur.nn;

/**
 * Counter-based randomness: a draw is a pure function of integers (a seed, counters, an index),
 * so the random state of a run is just those integers and can be saved and restored exactly.
 * The mixing function is SplitMix64's finaliser.
 *
 * <p>Stateless and thread-safe.
 */
public final class CounterRandom {

    private CounterRandom() {
    }

    /** SplitMix64's finaliser of {@code z + golden gamma}: a well-mixed 64-bit value. */
    public static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform draw in [0, 1) from {@code key}: the top 53 bits of {@code mix(key)}. */
    public static double uniform(long key) {
        return (mix(key) >>> 11) * 0x1.0p-53;
    }
}
