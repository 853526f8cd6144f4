package dev.recur.jmh;

import java.util.SplittableRandom;

/** Deterministic random inputs for the benchmarks. */
final class Data {

    private Data() {
    }

    /** {@code n} floats drawn uniformly from {@code [-1, 1)}. */
    static float[] uniform(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rng.nextDouble(-1, 1);
        }
        return out;
    }
}
